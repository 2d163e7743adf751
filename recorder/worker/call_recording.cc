#include "recorder/worker/call_recording.h"

#include <algorithm>
#include <bit>

#include "recorder/format/audio_segment.h"
#include "recorder/format/recording_fields.h"
#include "recorder/mix/stereo_mixer.h"

namespace trunkline::recorder {

static_assert(std::endian::native == std::endian::little,
              "PCM is stored s16le straight from memory");

namespace {
// One segment holds at most a minute (only reached if the worker was stalled).
constexpr std::int64_t kMaxSegmentFrames = 60 * 8000;
}  // namespace

Result<std::unique_ptr<CallRecording>> CallRecording::start(const CallDetails& details,
                                                            std::int64_t start_us,
                                                            const RecorderConfig& config,
                                                            KeyProvider& keys,
                                                            SealScratch& scratch) {
  auto id = recording_id_from_hex(details.recording_id);
  if (!id) return Error{"recording ID '" + details.recording_id + "' is not 32 hex digits"};
  auto sealer = RecordSealer::create(details.tenant_id, *id, start_us, keys);
  if (!sealer) return sealer.error();
  auto spool = SpoolFile::create(config.spool_dir, details.tenant_id, details.recording_id);
  if (!spool) return spool.error();
  const std::int64_t ring_frames =
      DirectionBuffer::ring_frames_for(config.flush_interval_us + config.jitter_delay_us);
  std::unique_ptr<CallRecording> call(
      new CallRecording(details, start_us, std::move(*sealer), std::move(*spool), ring_frames));
  // Header and metadata go to disk before any audio, so recovery can always
  // name the recording and find its key.
  scratch.output = call->sealer_.header_bytes();
  const std::vector<std::uint8_t> metadata = make_metadata(details, start_us).encode();
  if (Status st =
          call->sealer_.seal(RecordKind::kMetadata, false, metadata, scratch.codec, scratch.output);
      !st)
    return st.error();
  if (Status st = call->write(scratch.output); !st) return st.error();
  call->next_flush_us = start_us + config.flush_interval_us;
  return call;
}

CallRecording::CallRecording(const CallDetails& details, std::int64_t start_us, RecordSealer sealer,
                             std::unique_ptr<SpoolFile> spool, std::int64_t ring_frames)
    : details_(details),
      start_us_(start_us),
      sealer_(std::move(sealer)),
      spool_(std::move(spool)),
      caller_(ring_frames),
      agent_(ring_frames) {}

std::int64_t CallRecording::frame_at(std::int64_t time_us) const {
  const std::int64_t since = time_us - start_us_;
  return since <= 0 ? 0 : since * 8 / 1000;
}

void CallRecording::stop(std::int64_t at_us) {
  if (end_frame_) return;
  end_frame_ = std::max(frame_at(at_us), sealed_upto_);
  stop_us_ = at_us;
  pauses_.resume(*end_frame_);
}

Result<std::int64_t> CallRecording::seal_audio(std::int64_t now_us, std::int64_t jitter_delay_us,
                                               SealScratch& scratch) {
  std::int64_t target = frame_at(now_us - jitter_delay_us);
  if (end_frame_) target = std::min(target, *end_frame_);
  const std::int64_t before = sealed_upto_;
  while (sealed_upto_ < target) {
    const std::int64_t to = std::min(target, sealed_upto_ + kMaxSegmentFrames);
    if (Status st = seal_range(to, scratch); !st) return st.error();
  }
  return sealed_upto_ - before;
}

Status CallRecording::seal_range(std::int64_t to, SealScratch& scratch) {
  const std::int64_t from = sealed_upto_;
  const std::size_t frames = static_cast<std::size_t>(to - from);
  scratch.pauses.clear();
  pauses_.spans_within(from, to, scratch.pauses);

  AudioSegmentHeader h;
  h.first_frame = from;
  h.frames = static_cast<std::uint32_t>(frames);
  h.caller_law = caller_.law();
  h.agent_law = agent_.law();
  h.caller = caller_.stats();
  h.agent = agent_.stats();
  h.pauses = scratch.pauses;
  const std::size_t header_size = audio_segment_header_size(h.pauses.size());
  scratch.plaintext.resize(header_size + 2 * frames);
  encode_audio_segment_header(h, scratch.plaintext.data());
  std::uint8_t* caller_plane = scratch.plaintext.data() + header_size;
  std::uint8_t* agent_plane = caller_plane + frames;
  mix_segment(caller_, agent_, from, to, scratch.pauses, caller_plane, agent_plane);

  if (Status st =
          sealer_.seal(RecordKind::kAudio, false, scratch.plaintext, scratch.codec, scratch.output);
      !st)
    return st;
  // The checksum is over the decoded audio, as an export writes it.
  scratch.pcm.resize(2 * frames);
  decode_stereo(h.caller_law, caller_plane, h.agent_law, agent_plane, frames, scratch.pcm.data());
  pcm_hash_.update(std::span(reinterpret_cast<const std::uint8_t*>(scratch.pcm.data()),
                             frames * kPcmBytesPerFrame));
  sealed_upto_ = to;
  ++audio_segments_;
  return Status::Ok();
}

Status CallRecording::seal_end(SealScratch& scratch) {
  if (!end_frame_) return Error{"recording has not been stopped"};
  if (trailer_sealed_) return Status::Ok();
  while (sealed_upto_ < *end_frame_) {
    const std::int64_t to = std::min(*end_frame_, sealed_upto_ + kMaxSegmentFrames);
    if (Status st = seal_range(to, scratch); !st) return st;
  }
  TrailerInfo t;
  t.recovered = false;
  t.start_us = start_us_;
  t.end_us = stop_us_;
  t.frames = sealed_upto_;
  t.audio_segments = audio_segments_;
  t.pcm_sha256 = pcm_hash_.finish();
  t.pauses = pauses_.all(sealed_upto_);
  t.caller = caller_.stats();
  t.agent = agent_.stats();
  const std::vector<std::uint8_t> trailer = make_trailer(t).encode();
  if (Status st = sealer_.seal(RecordKind::kTrailer, true, trailer, scratch.codec, scratch.output);
      !st)
    return st;
  trailer_sealed_ = true;
  return Status::Ok();
}

Status CallRecording::write(std::vector<std::uint8_t>& output) {
  if (!unwritten_.empty()) {
    if (Status st = spool_->append(unwritten_); !st) {
      unwritten_.insert(unwritten_.end(), output.begin(), output.end());
      output.clear();
      return st;
    }
    std::vector<std::uint8_t>().swap(unwritten_);
  }
  Status st = spool_->append(output);
  if (!st) unwritten_.assign(output.begin(), output.end());
  output.clear();
  return st;
}

}  // namespace trunkline::recorder
