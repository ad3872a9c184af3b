// The names of the unary ops (unary.h), for parsing a kind and for messages.
#include "unary.h"

namespace nc {

namespace {
const char* const kUnaryNames[] = {
#define NC_UNARY_NAME(op, name, value, grad) name,
    NC_UNARY_OPS(NC_UNARY_NAME)
#undef NC_UNARY_NAME
};
}  // namespace

bool ParseUnaryOp(const std::string& name, UnaryOp* op) {
  for (size_t i = 0; i < sizeof(kUnaryNames) / sizeof(kUnaryNames[0]); ++i) {
    if (name == kUnaryNames[i]) {
      *op = static_cast<UnaryOp>(i);
      return true;
    }
  }
  return false;
}

std::string UnaryOpNames() {
  std::string names;
  for (const char* name : kUnaryNames) names += std::string(names.empty() ? "" : ", ") + "'" + name + "'";
  return names;
}

}  // namespace nc
