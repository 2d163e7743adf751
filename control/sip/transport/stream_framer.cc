#include "control/sip/transport/stream_framer.h"

#include "control/sip/header_id.h"
#include "control/sip/header_scanner.h"

namespace trunkline::sip {

namespace {

constexpr std::string_view kEmptyLine = "\r\n\r\n";

// Content-Length's value: decimal digits only (§20.14), nothing else.
bool parse_length(std::string_view v, std::uint64_t* out) {
  if (v.empty() || v.size() > 12) return false;
  std::uint64_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  *out = n;
  return true;
}

}  // namespace

std::string_view frame_error_name(FrameError e) {
  switch (e) {
    case FrameError::kNone:
      return "none";
    case FrameError::kHeadTooLarge:
      return "head_too_large";
    case FrameError::kMalformedHead:
      return "malformed_head";
    case FrameError::kNoContentLength:
      return "no_content_length";
    case FrameError::kBadContentLength:
      return "bad_content_length";
    case FrameError::kBodyTooLarge:
      return "body_too_large";
  }
  return "unknown";
}

void StreamFramer::feed(std::string_view bytes) {
  if (error_ != FrameError::kNone) return;  // the stream is lost; nothing more is read
  // Drop what earlier events consumed before growing the buffer.
  if (pos_ != 0) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  buf_.append(bytes);
}

StreamFramer::Event StreamFramer::fail(FrameError e, std::string_view head) {
  error_ = e;
  current_ = head;
  return Event::kError;
}

StreamFramer::Event StreamFramer::next() {
  current_ = {};
  if (error_ != FrameError::kNone) return Event::kError;
  if (want_ != 0) {  // the head was judged already: wait for the whole body
    if (buf_.size() - pos_ < want_) return Event::kNeedMore;
    return take();
  }
  // Between messages: CRLFs. Four at once are a ping; two followed by
  // anything else are a pong or padding (§7.5) and are skipped.
  while (buf_.size() - pos_ >= 2 && buf_[pos_] == '\r' && buf_[pos_ + 1] == '\n') {
    const std::string_view rest(buf_.data() + pos_, buf_.size() - pos_);
    if (rest.starts_with(kEmptyLine)) {
      pos_ += kEmptyLine.size();
      return Event::kPing;
    }
    if (rest.size() < kEmptyLine.size() && kEmptyLine.starts_with(rest))
      return Event::kNeedMore;  // may still become a ping
    pos_ += 2;
  }
  const std::string_view rest(buf_.data() + pos_, buf_.size() - pos_);
  const std::size_t end = rest.find(kEmptyLine);
  if (end == std::string_view::npos || end + kEmptyLine.size() > limits_.max_head) {
    if (rest.size() >= limits_.max_head)
      return fail(FrameError::kHeadTooLarge, rest.substr(0, limits_.max_head));
    return Event::kNeedMore;
  }
  const std::size_t head_size = end + kEmptyLine.size();
  const std::string_view head = rest.substr(0, head_size);

  std::string_view line;
  const char* headers = nullptr;
  SyntaxError err;
  // Only the shape of a SIP start line is checked here (a request line
  // naming a SIP version, or a status line); the shard judges the rest. A
  // stream of something else (HTTP, a TLS hello on the TCP port) is lost.
  if (!scan_start_line(head, &line, &headers, &err) ||
      (!line.starts_with("SIP/") && line.find(" SIP/") == std::string_view::npos))
    return fail(FrameError::kMalformedHead, head);
  HeaderScanner scanner(headers, head.data() + head.size());
  bool have_length = false;
  std::uint64_t length = 0;
  for (;;) {
    RawHeader h;
    const HeaderScanner::Step step = scanner.next(&h, &err);
    if (step == HeaderScanner::Step::kEnd) break;
    if (step == HeaderScanner::Step::kError) return fail(FrameError::kMalformedHead, head);
    if (lookup_header(h.name) != HeaderId::kContentLength) continue;
    std::uint64_t n = 0;
    if (!parse_length(h.value, &n) || (have_length && n != length))
      return fail(FrameError::kBadContentLength, head);
    have_length = true;
    length = n;
  }
  if (!have_length) return fail(FrameError::kNoContentLength, head);
  if (length > limits_.max_message || head_size + length > limits_.max_message)
    return fail(FrameError::kBodyTooLarge, head);
  want_ = head_size + static_cast<std::size_t>(length);
  if (rest.size() < want_) return Event::kNeedMore;
  return take();
}

StreamFramer::Event StreamFramer::take() {
  current_ = std::string_view(buf_.data() + pos_, want_);
  pos_ += want_;
  want_ = 0;
  return Event::kMessage;
}

}  // namespace trunkline::sip
