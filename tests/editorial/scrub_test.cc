#include "editorial/scrub.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace entraide::editorial {
namespace {

ScrubContext Context() {
  ScrubContext c;
  c.names = {"Marie Rose Tremblay", "Jean-François Côté", "Luc de la Fontaine"};
  c.groups = {"Café solidaire du Plateau"};
  c.domains = {"cafe-solidaire.org", "https://www.coop-velo.qc.ca/"};
  return c;
}

struct Case {
  const char* input;
  const char* expected;
  ScrubCounts counts;  // emails, phones, postal codes, names, sites
};

void Check(const std::vector<Case>& cases) {
  auto context = Context();
  for (const auto& c : cases) {
    SCOPED_TRACE(c.input);
    ScrubCounts counts;
    EXPECT_EQ(ScrubPersonalData(c.input, context, &counts), c.expected);
    EXPECT_EQ(counts.emails, c.counts.emails);
    EXPECT_EQ(counts.phones, c.counts.phones);
    EXPECT_EQ(counts.postal_codes, c.counts.postal_codes);
    EXPECT_EQ(counts.names, c.counts.names);
    EXPECT_EQ(counts.sites, c.counts.sites);
  }
}

TEST(ScrubTest, EmailAddresses) {
  Check({
      {"Écrivez à info@exemple.org.", "Écrivez à [email].", {1, 0, 0, 0, 0}},
      {"<Bob.Smith+aide@mail.example.co.uk>", "<[email]>", {1, 0, 0, 0, 0}},
      {"a@b.org, c@d.ca", "[email], [email]", {2, 0, 0, 0, 0}},
      {"marie [at] exemple [dot] org", "[email]", {1, 0, 0, 0, 0}},
      {"marie (at) exemple.org", "[email]", {1, 0, 0, 0, 0}},
      {"écrire à marie at exemple dot org svp", "écrire à [email] svp", {1, 0, 0, 0, 0}},
      {"bob arobase exemple point qc point ca", "[email]", {1, 0, 0, 0, 0}},
      // Not addresses.
      {"@bob sur Mastodon, user@localhost", "@bob sur Mastodon, user@localhost", {}},
      {"Meet at noon. Look at this dot", "Meet at noon. Look at this dot", {}},
  });
}

TEST(ScrubTest, PhoneNumbers) {
  Check({
      {"514-555-0199", "[phone]", {0, 1, 0, 0, 0}},
      {"(514) 555-0199", "[phone]", {0, 1, 0, 0, 0}},
      {"514.555.0199", "[phone]", {0, 1, 0, 0, 0}},
      {"514 555 0199", "[phone]", {0, 1, 0, 0, 0}},
      {"+1 514 555 0199", "[phone]", {0, 1, 0, 0, 0}},
      {"+1-514-555-0199", "[phone]", {0, 1, 0, 0, 0}},
      {"1-800-555-0199", "[phone]", {0, 1, 0, 0, 0}},
      {"Tél.: 5145550199.", "Tél.: [phone].", {0, 1, 0, 0, 0}},
      {"514-555-0199 poste 123 ou (438) 555-0100, ext. 45", "[phone] ou [phone]", {0, 2, 0, 0, 0}},
      {"514-555-0199x12", "[phone]", {0, 1, 0, 0, 0}},
      // Not phone numbers.
      {"version 1.2.3, build 10.0.19045.3803", "version 1.2.3, build 10.0.19045.3803", {}},
      {"le 2026-12-04 ou le 04/12/2026 à 14:30", "le 2026-12-04 ou le 04/12/2026 à 14:30", {}},
      {"12,50 $ ou 1 234,56 $", "12,50 $ ou 1 234,56 $", {}},
      {"ping 192.168.1.10 puis 10.0.0.1:8080", "ping 192.168.1.10 puis 10.0.0.1:8080", {}},
      {"commande 1234567890, ISBN 978-2-7621-4120-8", "commande 1234567890, ISBN 978-2-7621-4120-8", {}},
  });
}

TEST(ScrubTest, PostalCodes) {
  Check({
      {"Montréal (Québec) H2X 1Y4", "Montréal (Québec) [postal code]", {0, 0, 1, 0, 0}},
      {"h2x1y4", "[postal code]", {0, 0, 1, 0, 0}},
      {"H2X-1Y4, G1R 5M1", "[postal code], [postal code]", {0, 0, 2, 0, 0}},
      // Not postal codes: a D or Q cannot start one, a word around it, a model number.
      {"D2X 1Y4 Q1A1A1 AH2X1Y4 H2X1Y4B", "D2X 1Y4 Q1A1A1 AH2X1Y4 H2X1Y4B", {}},
  });
}

TEST(ScrubTest, NamesOfPeopleAndGroups) {
  Check({
      {"Bonjour Marie Rose Tremblay,", "Bonjour [name],", {0, 0, 0, 1, 0}},
      {"Merci MARIE, et tremblay aussi", "Merci [name], et [name] aussi", {0, 0, 0, 2, 0}},
      {"jean-francois cote a écrit", "[name] a écrit", {0, 0, 0, 1, 0}},
      {"Jean-François a écrit à Côté", "[name] a écrit à [name]", {0, 0, 0, 2, 0}},
      {"Une rose pour Rose.", "Une rose pour [name].", {0, 0, 0, 1, 0}},
      {"Luc de la Fontaine, de la part de Luc", "[name], de la part de [name]", {0, 0, 0, 2, 0}},
      {"Le Café solidaire du Plateau ouvre; un café au Plateau.",
       "Le [name] ouvre; un café au Plateau.",
       {0, 0, 0, 1, 0}},
      // Whole words only.
      {"Mariette, Tremblaye, marielle", "Mariette, Tremblaye, marielle", {}},
  });
}

TEST(ScrubTest, TheGroupsSites) {
  Check({
      {"Voir https://www.cafe-solidaire.org/contact?x=1.", "Voir [site].", {0, 0, 0, 0, 1}},
      {"cafe-solidaire.org et blog.cafe-solidaire.org/a)", "[site] et [site])", {0, 0, 0, 0, 2}},
      {"[le site](http://coop-velo.qc.ca:8080/horaires)", "[le site]([site])", {0, 0, 0, 0, 1}},
      {"WWW.COOP-VELO.QC.CA", "[site]", {0, 0, 0, 0, 1}},
      // Other sites stay, public ones and look-alikes.
      {"https://nextcloud.com et LibreOffice", "https://nextcloud.com et LibreOffice", {}},
      {"notcafe-solidaire.org, cafe-solidaire.org.evil.com", "notcafe-solidaire.org, cafe-solidaire.org.evil.com", {}},
  });
}

TEST(ScrubTest, AnAddressOnTheGroupsDomainIsAnEmail) {
  Check({{"marie@cafe-solidaire.org", "[email]", {1, 0, 0, 0, 0}}});
}

TEST(ScrubTest, PlaceholdersAreTheCallers) {
  auto context = Context();
  context.placeholders.email = "[courriel]";
  context.placeholders.name = "[nom]";
  EXPECT_EQ(ScrubPersonalData("Marie: a@b.org", context), "[nom]: [courriel]");
}

TEST(ScrubTest, NothingToScrubIsTheSameText) {
  std::string text = "Ouvrez LibreOffice 7.6, puis Nextcloud (https://nextcloud.com). Coût : 12,50 $.";
  ScrubCounts counts;
  EXPECT_EQ(ScrubPersonalData(text, Context(), &counts), text);
  EXPECT_EQ(counts.total(), 0);
  EXPECT_EQ(ScrubPersonalData("", Context()), "");
}

}  // namespace
}  // namespace entraide::editorial
