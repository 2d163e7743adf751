#include "dataplane/media/prompt.h"

#include <sndfile.h>

#include "recorder/codec/g711.h"

namespace trunkline::media {

namespace {

// A prompt longer than this is a mistake (a whole album as music on hold).
constexpr sf_count_t kMaxPromptSeconds = 3600;

}  // namespace

Result<Prompt> load_prompt(std::uint16_t id, const std::string& path) {
  SF_INFO info{};
  SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
  if (f == nullptr) return Error{"prompt " + path + ": " + sf_strerror(nullptr)};
  struct Closer {
    SNDFILE* f;
    ~Closer() { sf_close(f); }
  } closer{f};
  const int subtype = info.format & SF_FORMAT_SUBMASK;
  if (subtype != SF_FORMAT_PCM_16 && subtype != SF_FORMAT_ULAW && subtype != SF_FORMAT_ALAW)
    return Error{"prompt " + path + ": samples must be 16-bit PCM, mu-law or A-law"};
  if (info.channels != 1)
    return Error{"prompt " + path + ": " + std::to_string(info.channels) +
                 " channels; prompts are mono (sox in.wav -c 1 out.wav)"};
  if (info.samplerate != 8000)
    return Error{"prompt " + path + ": " + std::to_string(info.samplerate) +
                 " Hz; prompts are 8000 Hz (sox in.wav -r 8000 out.wav)"};
  if (info.frames <= 0) return Error{"prompt " + path + ": no samples"};
  if (info.frames > kMaxPromptSeconds * 8000)
    return Error{"prompt " + path + ": longer than an hour"};
  std::vector<short> pcm(static_cast<std::size_t>(info.frames));
  if (sf_readf_short(f, pcm.data(), info.frames) != info.frames)
    return Error{"prompt " + path + ": read failed: " + sf_strerror(f)};
  Prompt p;
  p.id = id;
  p.name = path;
  const std::size_t padded = (pcm.size() + kPromptFrame - 1) / kPromptFrame * kPromptFrame;
  p.pcmu.assign(padded, recorder::g711::kUlawSilence);
  p.pcma.assign(padded, recorder::g711::kAlawSilence);
  for (std::size_t i = 0; i < pcm.size(); ++i) {
    p.pcmu[i] = recorder::g711::linear_to_ulaw(pcm[i]);
    p.pcma[i] = recorder::g711::linear_to_alaw(pcm[i]);
  }
  return p;
}

Status PromptStore::add(Prompt prompt) {
  if (prompt.id == 0) return Error{"prompt " + prompt.name + ": id 0 is not a prompt"};
  if (prompt.frames() == 0) return Error{"prompt " + prompt.name + ": empty"};
  if (find(prompt.id) != nullptr)
    return Error{"prompt id " + std::to_string(prompt.id) + " is given twice (" +
                 find(prompt.id)->name + ", " + prompt.name + ")"};
  if (by_id_.size() <= prompt.id) by_id_.resize(std::size_t{prompt.id} + 1, nullptr);
  prompts_.push_back(std::make_unique<Prompt>(std::move(prompt)));
  by_id_[prompts_.back()->id] = prompts_.back().get();
  return Status::Ok();
}

}  // namespace trunkline::media
