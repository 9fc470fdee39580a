#include "base/result.h"

#include <gtest/gtest.h>

namespace runnel {
namespace {

Result<int> Half(int x) {
  if (x % 2) return Error("Odd", std::to_string(x) + " is odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  RUNNEL_TRY(h, Half(x));
  return Half(h);
}

TEST(Result, CarriesAValueOrAnError) {
  EXPECT_EQ(Quarter(8).value(), 2);
  auto r = Quarter(6);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "Odd");
  EXPECT_EQ(r.error().message, "3 is odd");
}

TEST(Error, ToStringIncludesWhereWhenKnown) {
  Error e("Bad", "broken");
  EXPECT_EQ(e.ToString(), "Bad: broken");
  e.where = "/actions/A";
  EXPECT_EQ(e.ToString(), "/actions/A: Bad: broken");
}

}  // namespace
}  // namespace runnel
