// JournalSeal (server/journal_seal.h): sealed text opens only with its key and unaltered; the
// key file is created once, private, and read back.
#include "server/journal_seal.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "test_directory.h"

namespace runnel::server {
namespace {

TEST(JournalSeal, OpensWhatItSealedAndNothingElse) {
  auto seal = JournalSeal::FromKey(std::string(32, 'k'));
  ASSERT_TRUE(seal);
  std::string sealed = seal.value().Seal(R"({"password":"hunter2"})");
  EXPECT_EQ(sealed.find("hunter2"), std::string::npos);
  EXPECT_NE(seal.value().Seal(R"({"password":"hunter2"})"), sealed);  // a fresh nonce each time
  auto opened = seal.value().Open(sealed);
  ASSERT_TRUE(opened) << opened.error().ToString();
  EXPECT_EQ(opened.value(), R"({"password":"hunter2"})");
  EXPECT_EQ(seal.value().Open(seal.value().Seal("")).value(), "");

  std::string altered = sealed;
  altered[20] = altered[20] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(seal.value().Open(altered));
  EXPECT_FALSE(JournalSeal::FromKey(std::string(32, 'x')).value().Open(sealed));  // another key
  auto garbage = seal.value().Open("not sealed at all");
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code, "SealedJournalUnreadable");
  EXPECT_FALSE(JournalSeal::FromKey("short"));
}

TEST(JournalSeal, TheKeyFileIsCreatedOncePrivateAndReadBack) {
  runnel::testing::TestDirectory dir("runnel-seal-test");
  std::string path = (dir / "journal.key").string();
  auto first = JournalSeal::LoadOrCreate(path);
  ASSERT_TRUE(first) << first.error().ToString();
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(std::filesystem::file_size(path), 32u);
  std::string sealed = first.value().Seal("secret");
  auto again = JournalSeal::LoadOrCreate(path);
  ASSERT_TRUE(again);
  EXPECT_EQ(again.value().Open(sealed).value(), "secret");

  std::ofstream(path, std::ios::trunc) << "damaged";
  auto damaged = JournalSeal::LoadOrCreate(path);
  ASSERT_FALSE(damaged);
  EXPECT_EQ(damaged.error().code, "InvalidJournalKey");
}

}  // namespace
}  // namespace runnel::server
