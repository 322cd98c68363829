// What the ticket services share (tickets/ only): who sees a ticket, the limits of a text people type and its
// bounded rendering, the refusal of an hourly limit, a status move with its event, and a claim. Free functions
// over a repository in the caller's transaction; thread-safe as far as that repository is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auth/principal.h"
#include "core/status.h"
#include "model/ticket.h"

namespace entraide::store {
class TicketRepository;
}  // namespace entraide::store

namespace entraide::tickets {

// The limits of a text people type (a description, a reply, a published question or answer).
struct TextLimits {
  size_t max_bytes = 64 * 1024;
  int render_budget_ms = 250;
};

// 64 lower-case hex digits: a SHA-256 as store and core write it, or a take link's token.
bool IsHex64(std::string_view s);

// The ticket `id` when `who` may see it; kUnauthenticated without `who`, kNotFound when it is not there or
// not theirs to see (the same answer: ids reveal nothing).
core::StatusOr<model::Ticket> LoadVisible(store::TicketRepository& repo, const auth::Principal* who, int64_t id);

// kInvalidArgument when `text` is blank or not UTF-8, kTooLarge over `max` bytes; both name `field` (and the
// catalog's sentence for the subject and the body).
core::Status CheckText(const std::string& text, const std::string& field, size_t max);
// `text` as HTML, once, bounded (markdown::RenderBounded, headings from h3): the error names `field`.
core::StatusOr<std::string> RenderText(const std::string& text, const std::string& field, const TextLimits& limits);

// The refusal of a person's hourly limit on `what` ("60 replies"), saying how long until `oldest`, the first
// thing counted, leaves the hour (also in `retry_after_s` when given); `key` is the catalog's sentence.
core::Status OverHourlyLimit(const std::string& what, const char* key, int64_t oldest, int64_t now,
                             int64_t* retry_after_s);

// Moves a ticket to `to` and records it (the caller has checked the move).
core::Status MoveTo(store::TicketRepository& repo, std::optional<int64_t> actor, const model::Ticket& t,
                    model::TicketStatus to, int64_t now);

// `who` takes the loaded ticket `t` (a volunteer; an open ticket; nobody else holding it), with its event; a new
// or triaged ticket becomes in_progress. kConflict when it is not open or someone else won the claim.
core::Status ClaimLoaded(store::TicketRepository& repo, const auth::Principal& who, const model::Ticket& t,
                         int64_t now);

}  // namespace entraide::tickets
