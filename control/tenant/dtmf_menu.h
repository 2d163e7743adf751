// A number's DTMF menu: before a caller joins the number's queue it hears a
// prompt and presses a key, which picks its incoming skill (着信スキル) for
// the ACD. Provisioned as `menu = { prompt = 3, timeout_s = 6, options =
// { "1" = "billing", "2" = "support" } }` on a queued number, stored as
// "prompt=3;timeout_s=6;1=billing;2=support".
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace trunkline::tenant {

struct DtmfMenu {
  std::uint16_t prompt = 0;  // [[prompts]] id; 0: no menu
  std::uint32_t timeout_s = 5;
  // By RFC 4733 event: 0-9 the digits, 10 '*', 11 '#'; "": the key does nothing.
  std::array<std::string, 12> skill_for;

  bool empty() const { return prompt == 0; }
};

// The RFC 4733 event of a menu key ('0'..'9', '*', '#'), or -1.
int dtmf_event_of(char key);
std::string encode_menu(const DtmfMenu& menu);
// Refuses text that encode_menu() did not write, naming what is wrong.
Result<DtmfMenu> decode_menu(std::string_view text);

}  // namespace trunkline::tenant
