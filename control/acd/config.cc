#include "control/acd/config.h"

#include <string>

namespace trunkline::acd {
namespace {

constexpr std::int64_t kMaxDelayUs = 24LL * 3600 * 1'000'000;  // a day
constexpr std::int64_t kMaxAgeingMilliPerS = 1'000'000;

Status fail(const std::string& where, const std::string& what) {
  return Error{where + ": " + what};
}

}  // namespace

Status validate_engine_config(const EngineConfig& c) {
  // Per tenant; the engine reserves memory for these up front.
  if (c.limits.max_agents == 0 || c.limits.max_agents > 100'000)
    return fail("limits.max_agents", "must be 1..100000");
  if (c.limits.max_callers == 0 || c.limits.max_callers > 1'000'000)
    return fail("limits.max_callers", "must be 1..1000000");
  if (c.limits.max_queues == 0 || c.limits.max_queues > 100'000)
    return fail("limits.max_queues", "must be 1..100000");
  if (c.limits.max_skills == 0 || c.limits.max_skills >= kNoSkill)
    return fail("limits.max_skills", "must be 1..65534");
  const struct {
    const char* name;
    std::int64_t value;
  } delays[] = {{"busy_delay", c.busy_delay_us},
                {"reject_delay", c.reject_delay_us},
                {"no_answer_delay", c.no_answer_delay_us}};
  for (const auto& d : delays)
    if (d.value < 0 || d.value > kMaxDelayUs) return fail(d.name, "must be 0..86400 s");
  if (c.max_unanswered_offers > 1000) return fail("max_unanswered_offers", "must be 0..1000");
  return Status::Ok();
}

Status validate_skill_config(const SkillConfig& c) {
  if (c.name.empty() || c.name.size() > 64) return fail("skill name", "must be 1..64 characters");
  if (c.service_level_us <= 0 || c.service_level_us > kMaxDelayUs)
    return fail("skill '" + c.name + "' service_level", "must be above 0 and at most 86400 s");
  return Status::Ok();
}

Status validate_overflow_action(const OverflowAction& a, std::uint32_t queue_count, QueueId self) {
  switch (a.kind) {
    case OverflowKind::kRefuse:
      if (a.sip_status < 400 || a.sip_status > 699)
        return fail("overflow refuse", "sip_status must be 400..699");
      return Status::Ok();
    case OverflowKind::kQueue:
      if (a.queue >= queue_count)
        return fail("overflow queue",
                    "target queue " + std::to_string(a.queue) + " does not exist");
      if (a.queue == self) return fail("overflow queue", "a queue cannot overflow into itself");
      return Status::Ok();
    case OverflowKind::kAnnouncement:
      if (a.announcement == 0)
        return fail("overflow announcement", "announcement id must be above 0");
      return Status::Ok();
    case OverflowKind::kExternal: {
      const std::string& n = a.external_number;
      std::size_t first = (!n.empty() && n[0] == '+') ? 1 : 0;
      if (n.size() <= first || n.size() - first > 15)
        return fail("overflow external", "number must have 1..15 digits");
      for (std::size_t i = first; i < n.size(); ++i)
        if (n[i] < '0' || n[i] > '9')
          return fail("overflow external", "number '" + n + "' may hold only digits after '+'");
      return Status::Ok();
    }
  }
  return fail("overflow", "unknown action");
}

Status validate_queue_config(const QueueConfig& c, std::uint32_t queue_count) {
  if (c.name.empty() || c.name.size() > 64) return fail("queue name", "must be 1..64 characters");
  const std::string where = "queue '" + c.name + "' ";
  if (c.priority < 0 || c.priority >= kPriorityLevels)
    return fail(where + "priority", "must be 0..9");
  if (c.ageing_milli_per_s < 0 || c.ageing_milli_per_s > kMaxAgeingMilliPerS)
    return fail(where + "ageing_per_s", "must be 0..1000");
  if (c.service_level_us <= 0 || c.service_level_us > kMaxDelayUs)
    return fail(where + "service_level", "must be above 0 and at most 86400 s");
  if (c.max_wait_us < 0 || c.max_wait_us > kMaxDelayUs)
    return fail(where + "max_wait", "must be 0..86400 s");
  if (c.wrap_up_us < 0 || (c.wrap_up_us > kMaxDelayUs && c.wrap_up_us != kNever))
    return fail(where + "wrap_up", "must be 0..86400 s or until the agent ends it");
  if (c.ring_timeout_us < 0 || c.ring_timeout_us > kMaxDelayUs)
    return fail(where + "ring_timeout", "must be 0..86400 s");
  if (c.expansion.size() > static_cast<std::size_t>(kMaxExpansionSteps))
    return fail(where + "expansion", "at most 8 steps");
  for (std::size_t i = 0; i < c.expansion.size(); ++i) {
    const ExpansionStep& s = c.expansion[i];
    const std::string step = where + "expansion step " + std::to_string(i + 1);
    if (s.min_proficiency < kMinProficiency || s.min_proficiency > kMaxProficiency)
      return fail(step, "min_proficiency must be 1..5");
    if (i == 0 && s.after_us != 0) return fail(step, "the first step must start at 0 s");
    if (i > 0 && s.after_us <= c.expansion[i - 1].after_us)
      return fail(step, "after must be later than the previous step's");
    if (i > 0 && s.min_proficiency >= c.expansion[i - 1].min_proficiency)
      return fail(step, "min_proficiency must be lower than the previous step's");
    if (s.after_us > kMaxDelayUs) return fail(step, "after must be at most 86400 s");
  }
  // The queue being added will get id queue_count.
  for (int r = 0; r < kOverflowReasonCount; ++r) {
    Status s = validate_overflow_action(c.overflow[r], queue_count, queue_count);
    if (!s.ok())
      return fail(where + "overflow on " +
                      std::string(overflow_reason_name(static_cast<OverflowReason>(r))),
                  s.error().message);
  }
  return Status::Ok();
}

std::uint8_t min_proficiency_after(const std::vector<ExpansionStep>& steps,
                                   std::int64_t waited_us) {
  std::uint8_t level = kMinProficiency;
  for (const ExpansionStep& s : steps) {
    if (s.after_us > waited_us) break;
    level = s.min_proficiency;
  }
  return level;
}

}  // namespace trunkline::acd
