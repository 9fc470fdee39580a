#include "engine/duration.h"

#include <gtest/gtest.h>

namespace runnel::engine {
namespace {

TEST(Duration, ParsesTheFormsFlowsUse) {
  EXPECT_EQ(ParseDurationMicros("PT10S"), 10'000'000);
  EXPECT_EQ(ParseDurationMicros("PT1.5S"), 1'500'000);
  EXPECT_EQ(ParseDurationMicros("PT5M"), 300'000'000);
  EXPECT_EQ(ParseDurationMicros("PT1H"), 3'600'000'000);
  EXPECT_EQ(ParseDurationMicros("P1D"), 86'400'000'000);
  EXPECT_EQ(ParseDurationMicros("P1DT2H"), 93'600'000'000);
  EXPECT_EQ(ParseDurationMicros("P1W"), 7 * 86'400'000'000);
  EXPECT_EQ(ParseDurationMicros("pt7s"), 7'000'000);
}

TEST(Duration, RejectsMalformedText) {
  for (const char* bad : {"", "P", "PT", "10S", "PT-1S", "PTS", "P1H", "PT1D", "PT1S2", "P1DTT1H", "PT1e400S"}) {
    EXPECT_FALSE(ParseDurationMicros(bad)) << bad;
  }
}

}  // namespace
}  // namespace runnel::engine
