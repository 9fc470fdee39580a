// JournalSeal: encryption at rest for the journal entries that hold secrets.
//
// A stateful run journals each completed action's full record — real inputs and outputs, which
// a resumed run needs — until the run ends and its journal is deleted; the run record kept in
// the history is redacted (runtimeConfiguration.secureData). So the only place a secure action's
// values rest on disk is the journal of a run in flight, and there they are sealed with
// AES-256-GCM under a key kept beside the store ({data}/journal.key, created on first start,
// mode 0600). A copy of runnel.db alone does not reveal them; a copy of the data directory does.
// Keep the key with the store: without it, sealed runs cannot resume (they fail, saying so).
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace runnel::server {

class JournalSeal {
 public:
  // Reads the key from `path`, or creates it (32 random bytes, mode 0600) when it does not exist.
  static Result<JournalSeal> LoadOrCreate(const std::string& path);
  // A seal with the given 32-byte key (tests).
  static Result<JournalSeal> FromKey(std::string_view key);
  // A seal with a random key that lives only in this process.
  static Result<JournalSeal> Ephemeral();

  // base64 of nonce (12 bytes) || ciphertext || tag (16 bytes); a fresh nonce every time.
  std::string Seal(std::string_view plaintext) const;
  // The plaintext, or an error when the text was not sealed with this key or was altered.
  Result<std::string> Open(std::string_view sealed) const;

 private:
  explicit JournalSeal(std::string key) : key_(std::move(key)) {}
  std::string key_;
};

}  // namespace runnel::server
