// Prompts: the announcements and music the lcores play to waiting callers,
// loaded once at start from sound files and kept as G.711 code words in both
// laws, so an lcore copies 160 bytes per 20 ms packet and converts nothing.
// Files are read with libsndfile: WAV (or any format it knows) of 16-bit PCM,
// µ-law or A-law, mono, 8000 Hz; other sample rates and stereo are refused
// with the reason (convert them with sox: `sox in.wav -r 8000 -c 1 out.wav`).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"

namespace trunkline::media {

inline constexpr std::size_t kPromptFrame = 160;  // samples per 20 ms packet at 8 kHz

struct Prompt {
  std::uint16_t id = 0;
  std::string name;  // the file it came from
  // One code word per sample, padded with silence to whole 20 ms frames.
  std::vector<std::uint8_t> pcmu;
  std::vector<std::uint8_t> pcma;
  std::size_t frames() const { return pcmu.size() / kPromptFrame; }
  // The code words of frame `i` in the law of RTP payload type `pt` (0 or 8).
  const std::uint8_t* frame(std::size_t i, std::uint8_t pt) const {
    return (pt == 8 ? pcma.data() : pcmu.data()) + i * kPromptFrame;
  }
};

// Reads `path`; errors name the file and what is wrong with it.
Result<Prompt> load_prompt(std::uint16_t id, const std::string& path);

// Every prompt of the appliance, by id (1..65535), read-only once built: the
// lcores read it without locks.
class PromptStore {
 public:
  Status add(Prompt prompt);  // refuses id 0, a duplicate id, an empty prompt
  const Prompt* find(std::uint16_t id) const { return id < by_id_.size() ? by_id_[id] : nullptr; }
  std::size_t size() const { return prompts_.size(); }

 private:
  std::vector<std::unique_ptr<Prompt>> prompts_;
  std::vector<const Prompt*> by_id_;
};

}  // namespace trunkline::media
