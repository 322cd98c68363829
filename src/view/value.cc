#include "view/value.h"

namespace entraide::view {

Value& Value::Set(const std::string& key, Value v) {
  if (kind_ == Kind::kNull) kind_ = Kind::kObject;
  for (auto& [k, existing] : object_) {
    if (k == key) {
      existing = std::move(v);
      return *this;
    }
  }
  object_.emplace_back(key, std::move(v));
  return *this;
}

Value& Value::Push(Value v) {
  if (kind_ == Kind::kNull) kind_ = Kind::kList;
  list_.push_back(std::move(v));
  return list_.back();
}

const Value* Value::Find(const std::string& key) const {
  for (const auto& [k, v] : object_)
    if (k == key) return &v;
  return nullptr;
}

}  // namespace entraide::view
