// The checks of what people type about a person or a group, shared by the account services (auth/) and the
// ticket categories (tickets/). Pure functions; thread-safe. Each refusal is kInvalidArgument naming its field.
#pragma once

#include <string>

#include "core/status.h"

namespace entraide::auth {

// Normalises (trimmed, lower case) and checks an email address (field "email").
core::StatusOr<std::string> NormalizeEmail(const std::string& email);
// A person's, a group's or a category's name (field "name"): required, at most 120 bytes of UTF-8, no control
// characters.
core::Status CheckName(const std::string& name);
// A language of the site (field "lang").
core::Status CheckLang(const std::string& lang);
// A slug: lower-case letters, digits and single dashes (field "slug").
core::Status CheckSlug(const std::string& slug);

}  // namespace entraide::auth
