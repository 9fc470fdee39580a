// The blocking conveniences of Store (store.h): wait for a queued write or read to finish.
#pragma once

#include <future>

namespace runnel::store {

inline Status Store::WriteAndWait(WriteFn fn) {
  std::promise<Status> done;
  auto result = done.get_future();
  Write(std::move(fn), [&done](Status s) { done.set_value(std::move(s)); });
  return result.get();
}

template <class T>
T Store::ReadAndWait(std::function<T(ReadView&)> fn) {
  std::promise<T> done;
  auto result = done.get_future();
  Read([&](ReadView& view) { done.set_value(fn(view)); });
  return result.get();
}

}  // namespace runnel::store
