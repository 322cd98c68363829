// Value: the tree handed to templates (null, bool, string, list, object), built by presenters.
// Keeps Mustache's types out of every header but view/'s .cc files. Value type; not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace entraide::view {

class Value {
 public:
  enum class Kind { kNull, kBool, kString, kList, kObject };

  Value() = default;
  Value(bool b) : kind_(Kind::kBool), bool_(b) {}                         // NOLINT
  Value(std::string s) : kind_(Kind::kString), string_(std::move(s)) {}   // NOLINT
  Value(const char* s) : kind_(Kind::kString), string_(s) {}              // NOLINT
  Value(int64_t n) : kind_(Kind::kString), string_(std::to_string(n)) {}  // NOLINT
  Value(int n) : kind_(Kind::kString), string_(std::to_string(n)) {}      // NOLINT

  static Value Object() {
    Value v;
    v.kind_ = Kind::kObject;
    return v;
  }
  static Value List() {
    Value v;
    v.kind_ = Kind::kList;
    return v;
  }

  // Object: sets key (the value becomes an object if it was null). Returns *this for chaining.
  Value& Set(const std::string& key, Value v);
  // List: appends (the value becomes a list if it was null). Returns the appended element.
  Value& Push(Value v);

  Kind kind() const { return kind_; }
  bool bool_value() const { return bool_; }
  const std::string& string_value() const { return string_; }
  const std::vector<Value>& list() const { return list_; }
  const std::vector<std::pair<std::string, Value>>& object() const { return object_; }
  bool empty_list() const { return kind_ == Kind::kList && list_.empty(); }
  // Object lookup (linear; objects are small). nullptr when absent.
  const Value* Find(const std::string& key) const;

 private:
  Kind kind_ = Kind::kNull;
  bool bool_ = false;
  std::string string_;
  std::vector<Value> list_;
  std::vector<std::pair<std::string, Value>> object_;
};

}  // namespace entraide::view
