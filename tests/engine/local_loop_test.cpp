#include "engine/local_loop.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace runnel::engine {
namespace {

TEST(LocalLoop, VirtualTimeJumpsToTheNextTimerWhenIdle) {
  ManualClock clock(1000);
  LocalLoop loop(clock, &clock);
  std::vector<int64_t> fired;
  loop.PostAt(5000, [&] { fired.push_back(clock.NowMicros()); });
  loop.PostAt(2000, [&] {
    fired.push_back(clock.NowMicros());
    loop.PostAt(clock.NowMicros() + 500, [&] { fired.push_back(clock.NowMicros()); });
  });
  loop.Post([&] { fired.push_back(clock.NowMicros()); });
  loop.Run();
  EXPECT_EQ(fired, (std::vector<int64_t>{1000, 2000, 2500, 5000}));
}

TEST(LocalLoop, WaitsForExternalWorkBeforeJumpingTime) {
  ManualClock clock(0);
  LocalLoop loop(clock, &clock);
  std::vector<std::string> order;
  loop.PostAt(1'000'000, [&] { order.push_back("timer"); });
  loop.BeginExternal();
  std::thread worker([&] {
    loop.Post([&] {
      order.push_back("external");
      loop.EndExternal();
    });
  });
  loop.Run();
  worker.join();
  EXPECT_EQ(order, (std::vector<std::string>{"external", "timer"}));
}

TEST(LocalLoop, RealClockTimersFireInDueOrder) {
  const Clock& clock = SystemClock::Instance();
  LocalLoop loop(clock);
  std::vector<int> order;
  int64_t now = clock.NowMicros();
  loop.PostAt(now + 2000, [&] { order.push_back(2); });
  loop.PostAt(now + 1000, [&] { order.push_back(1); });
  loop.Run();
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

}  // namespace
}  // namespace runnel::engine

namespace runnel::engine {
namespace {

// Regression: an action's limit.timeout guard outlived the action and kept `runnel run` waiting
// for an hour on the real clock. Timers that do not keep the loop alive must not.
TEST(LocalLoop, TimersThatDoNotKeepItAliveLetItStop) {
  const Clock& clock = SystemClock::Instance();
  LocalLoop loop(clock);
  bool guard_fired = false, work_done = false;
  loop.PostAt(clock.NowMicros() + 3'600'000'000, [&] { guard_fired = true; }, /*keeps_alive=*/false);
  loop.Post([&] { work_done = true; });
  loop.Run();
  EXPECT_TRUE(work_done);
  EXPECT_FALSE(guard_fired);
}

TEST(LocalLoop, VirtualTimeSkipsPastGuardsToLiveTimers) {
  ManualClock clock(0);
  LocalLoop loop(clock, &clock);
  std::vector<std::string> order;
  loop.PostAt(10, [&] { order.push_back("guard"); }, /*keeps_alive=*/false);
  loop.PostAt(20, [&] { order.push_back("live"); });
  loop.PostAt(30, [&] { order.push_back("late guard"); }, /*keeps_alive=*/false);
  loop.Run();
  EXPECT_EQ(order, (std::vector<std::string>{"guard", "live"}));
  EXPECT_EQ(clock.NowMicros(), 20);
}

}  // namespace
}  // namespace runnel::engine

namespace runnel::engine {
namespace {

TEST(LocalLoop, CancelledTimersNeitherRunNorKeepItAlive) {
  const Clock& clock = SystemClock::Instance();
  LocalLoop loop(clock);
  bool fired = false;
  uint64_t id = loop.PostAt(clock.NowMicros() + 3'600'000'000, [&] { fired = true; });
  loop.Post([&] { loop.CancelTimer(id); });
  loop.Run();  // returns at once: the only timer was cancelled
  EXPECT_FALSE(fired);
  loop.CancelTimer(id);  // cancelling twice is harmless
}

}  // namespace
}  // namespace runnel::engine
