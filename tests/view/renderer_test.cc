#include "view/renderer.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace entraide::view {
namespace {

TEST(RendererTest, TheRealTemplatesLoadAndFollowTheEscapingRule) {
  auto r = Renderer::Load(testing::SourceDir() + "/views");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE((*r)->Has("pages/article"));
  EXPECT_TRUE((*r)->Has("pages/error"));
}

TEST(RendererTest, EscapesByDefault) {
  testing::TempDir dir;
  dir.Write("pages/p.mustache", "<p>{{x}}</p>{{{body_html}}}");
  auto r = Renderer::Load(dir.path());
  ASSERT_TRUE(r.ok());
  Value v = Value::Object();
  v.Set("x", "<script>alert('x')</script>");
  v.Set("body_html", "<b>ok</b>");
  auto out = (*r)->Render("pages/p", "en", v);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</p><b>ok</b>");
}

TEST(RendererTest, RefusesUnescapedKeysNotEndingInHtml) {
  struct Case {
    std::string text;
    bool ok;
  };
  const Case cases[] = {
      {"{{{title}}}", false},
      {"{{& title}}", false},
      {"{{{ body_html }}}", true},
      {"{{title}}", true},
  };
  for (const auto& c : cases) EXPECT_EQ(CheckEscapingRule("t.mustache", c.text).ok(), c.ok) << c.text;
  testing::TempDir dir;
  dir.Write("pages/p.mustache", "line\n{{{title}}}");
  auto r = Renderer::Load(dir.path());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("p.mustache:2"), std::string::npos) << r.status().message();
}

TEST(RendererTest, InlinesPartialsAndUsesScopedGlobals) {
  testing::TempDir dir;
  dir.Write("partials/head.mustache", "[{{t.hello}} {{name}}]");
  dir.Write("pages/p.mustache", "{{> head}}{{#items}}<{{t.hello}}:{{.}}>{{/items}}");
  auto r = Renderer::Load(dir.path());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  Value globals = Value::Object();
  Value t = Value::Object();
  t.Set("hello", "bonjour");
  globals.Set("t", t);
  (*r)->SetGlobals("fr", globals);
  Value v = Value::Object();
  v.Set("name", "Ana");
  Value items = Value::List();
  items.Push("a");
  items.Push("b");
  v.Set("items", items);
  auto out = (*r)->Render("pages/p", "fr", v);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, "[bonjour Ana]<bonjour:a><bonjour:b>");
}

TEST(RendererTest, UnknownPartialIsALoadError) {
  testing::TempDir dir;
  dir.Write("pages/p.mustache", "{{> nowhere}}");
  auto r = Renderer::Load(dir.path());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("unknown partial 'nowhere'"), std::string::npos);
}

}  // namespace
}  // namespace entraide::view
