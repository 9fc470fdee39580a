// The codes of the triggers layer (Error::code values).
//
// Codes are stable names that tools and tests match on; the message beside each names the field,
// what is wrong with it and how to fix it, and Error::where holds the JSON pointer of the field
// inside the object that was parsed (e.g. "/schedule/hours/2").
#pragma once

namespace runnel::triggers::errc {

// A recurrence object with a missing, mistyped or out-of-range member, or members that do not
// go together (weekDays with frequency Day, an offset on startTime, an unknown time zone).
inline constexpr char kInvalidRecurrence[] = "InvalidRecurrence";
// A recurrence member that exists in Azure's API model but that Runnel does not implement
// (schedule.monthlyOccurrences): refused rather than silently firing at other times.
inline constexpr char kUnsupportedRecurrence[] = "UnsupportedRecurrence";
// A Dataverse change trigger (SubscribeWebhookTrigger) whose subscriptionRequest parameters are
// missing, mistyped or out of range (a message code outside 1-7, a malformed filterexpression).
inline constexpr char kInvalidSubscription[] = "InvalidChangeSubscription";

}  // namespace runnel::triggers::errc
