// where entry points: a select whose condition, a and b broadcast together (where.h).
#include "ops/ops.h"
#include "where.h"

namespace nc::ops {

namespace {

WhereShape ReadShape(const Args& args, const TensorArg& cond, const TensorArg& a, const TensorArg& b) {
  WhereShape s;
  std::string why;
  if (!MakeWhere(cond.shape, a.shape, b.shape, &s, &why)) args.rangeError(why, ErrorCode::Shape);
  return s;
}

}  // namespace

// where(cond, a, b, y): y = cond ≠ 0 ? a : b, y of the broadcast shape of the three.
Napi::Value Where(const Args& args) {
  TensorArg cond = args.tensor(0, "condition", 0);
  TensorArg a = args.tensor(1, "a", 0);
  TensorArg b = args.tensor(2, "b", 0);
  TensorArg y = args.tensor(3, "y", 0);
  args.requireSameDevice({&cond, &a, &b, &y});
  const WhereShape s = ReadShape(args, cond, a, b);
  args.requireShape(y, WhereOutputShape(s));
  RUN_ON(BackendFor(args, cond.device), Where, s, cond.data, a.data, b.data, y.data);
  return args.env().Undefined();
}

// whereBackward(cond, dy, da, db): da = dy where cond ≠ 0, db = dy elsewhere, each of dy's (the
// broadcast) shape or null; cond broadcasts to dy's shape.
Napi::Value WhereBackward(const Args& args) {
  TensorArg cond = args.tensor(0, "condition", 0);
  TensorArg dy = args.tensor(1, "dy", 0);
  TensorArg da = args.optionalTensor(2, "da", 0);
  TensorArg db = args.optionalTensor(3, "db", 0);
  args.requireSameDevice({&cond, &dy, &da, &db});
  const WhereShape s = ReadShape(args, cond, dy, dy);
  args.requireShape(dy, WhereOutputShape(s));
  if (da.present()) args.requireShape(da, dy.shape);
  if (db.present()) args.requireShape(db, dy.shape);
  RUN_ON(BackendFor(args, cond.device), WhereBackward, s, cond.data, dy.data, da.present() ? da.data : nullptr,
         db.present() ? db.data : nullptr);
  return args.env().Undefined();
}

}  // namespace nc::ops
