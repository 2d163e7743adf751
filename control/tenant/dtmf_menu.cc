#include "control/tenant/dtmf_menu.h"

#include <charconv>

namespace trunkline::tenant {

namespace {

constexpr char kKeys[] = "0123456789*#";

bool number(std::string_view text, std::uint32_t max, std::uint32_t* out) {
  std::uint32_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || v == 0 || v > max) return false;
  *out = v;
  return true;
}

}  // namespace

int dtmf_event_of(char key) {
  for (int i = 0; i < 12; ++i)
    if (kKeys[i] == key) return i;
  return -1;
}

std::string encode_menu(const DtmfMenu& menu) {
  if (menu.empty()) return {};
  std::string out =
      "prompt=" + std::to_string(menu.prompt) + ";timeout_s=" + std::to_string(menu.timeout_s);
  for (int i = 0; i < 12; ++i)
    if (!menu.skill_for[i].empty()) out += std::string(";") + kKeys[i] + "=" + menu.skill_for[i];
  return out;
}

Result<DtmfMenu> decode_menu(std::string_view text) {
  DtmfMenu m;
  if (text.empty()) return m;
  while (!text.empty()) {
    const std::size_t semi = text.find(';');
    const std::string_view item = text.substr(0, semi);
    text = semi == std::string_view::npos ? std::string_view{} : text.substr(semi + 1);
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) return Error{"menu: '" + std::string(item) + "' has no '='"};
    const std::string_view key = item.substr(0, eq), value = item.substr(eq + 1);
    std::uint32_t v = 0;
    if (key == "prompt") {
      if (!number(value, 65535, &v)) return Error{"menu: bad prompt '" + std::string(value) + "'"};
      m.prompt = static_cast<std::uint16_t>(v);
    } else if (key == "timeout_s") {
      if (!number(value, 60, &v)) return Error{"menu: bad timeout '" + std::string(value) + "'"};
      m.timeout_s = v;
    } else if (key.size() == 1 && dtmf_event_of(key[0]) >= 0 && !value.empty()) {
      m.skill_for[static_cast<std::size_t>(dtmf_event_of(key[0]))] = std::string(value);
    } else {
      return Error{"menu: unknown item '" + std::string(item) + "'"};
    }
  }
  if (m.prompt == 0) return Error{"menu: no prompt"};
  return m;
}

}  // namespace trunkline::tenant
