// RunJournal and ReplayLog: how a stateful run becomes durable and how it resumes after a crash.
//
// A stateful run reports what it does to a RunJournal: that an action started (with its start
// time, so a resumed Wait keeps its due time) and that it completed (with its full record). The
// run does not act on a completion — start successors, finish a container — until the journal
// calls `durable`: an action is acknowledged only once its record is on disk. Journals batch the
// records of many runs into one commit (group commit), so this costs one batch wait, not one
// flush per action. Without a journal (a stateless flow, `runnel run`) a run never waits.
//
// Resuming: the journal of an interrupted run is read back into a ReplayLog. The resumed run
// walks its graph again from the start; an action whose completion is in the log is not
// executed again — its recorded result is reused — and the variables are restored by applying
// the logged variable actions in the order they originally completed. An action that had
// started but not completed runs again (at-least-once) with its original start time. Control
// actions (If, Switch, Foreach, Until, Scope) are re-evaluated over the replayed results, so
// their decisions are reproduced as long as they depend on action outputs, not on utcNow().
//
// Keys: an action's key is its name followed by the iteration index of every enclosing loop,
// outermost first ("Send_mail#3.0"); names are unique in a definition, so keys are unique in a run.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/status.h"

namespace runnel::engine {

class RunJournal {
 public:
  virtual ~RunJournal() = default;
  // Called on the run's scheduler thread. `durable` may be called on any thread (the journal's
  // writer); the run posts its continuation back to its scheduler itself.
  // `timed` says whether a resumed run needs this start time: true for actions that wait,
  // call out, retry or time out; false for instantaneous ones (Compose, variables, Response...)
  // that would simply run again, so the journal need not store their start.
  virtual void ActionStarted(const std::string& key, int64_t start_micros, bool timed) = 0;
  virtual void ActionCompleted(const std::string& key, const boost::json::value& record,
                               std::function<void()> durable) = 0;
};

// What a resumed run reuses. Built by the journal's owner from the stored records.
struct ReplayLog {
  struct Completed {
    boost::json::value record;  // the full (unredacted) action record
    int64_t sequence = 0;       // completion order in the original run
  };
  std::map<std::string, Completed, std::less<>> completed;       // by key
  std::map<std::string, int64_t, std::less<>> started_micros;    // started, maybe not completed
};

}  // namespace runnel::engine
