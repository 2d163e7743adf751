// Framing of SIP over a byte stream (TCP, TLS; RFC 3261 §18.3): a message is
// its head up to the empty line, then exactly Content-Length bytes of body.
// Content-Length is mandatory on streams: without it the end of a message
// cannot be known, and nothing after it can be trusted. CRLFs between
// messages are skipped (§7.5), and a double CRLF is the RFC 5626 §3.5.1
// keep-alive ping, answered with one CRLF (the pong).
//
// Pure logic, one per connection: bytes go in with feed(), events come out
// of next(). After an error the stream is lost and the connection closes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace trunkline::sip {

struct FramerLimits {
  std::size_t max_head = 16 * 1024;     // start line and headers, with the empty line
  std::size_t max_message = 64 * 1024;  // head + Content-Length above this closes the stream
};

enum class FrameError : std::uint8_t {
  kNone,
  kHeadTooLarge,      // no empty line within max_head bytes
  kMalformedHead,     // the start line or a header line does not scan
  kNoContentLength,   // mandatory on streams (§18.3)
  kBadContentLength,  // not a decimal number, or two that disagree
  kBodyTooLarge,      // head + Content-Length above max_message
};

std::string_view frame_error_name(FrameError e);

class StreamFramer {
 public:
  enum class Event : std::uint8_t {
    kNeedMore,  // nothing complete yet: feed more bytes
    kMessage,   // message() is one whole message
    kPing,      // a double-CRLF keep-alive: answer "\r\n"
    kError,     // error() says what; head() is what was read of the message
  };

  explicit StreamFramer(FramerLimits limits = {}) : limits_(limits) {}

  // Appends bytes read from the stream.
  void feed(std::string_view bytes);

  // The next event. A message() or head() view is valid until the next
  // call of feed() or next().
  Event next();

  std::string_view message() const { return current_; }
  FrameError error() const { return error_; }
  // The head (up to max_head bytes) of the message that failed, for a 400.
  std::string_view head() const { return current_; }
  // Bytes held that are not yet part of a returned message.
  std::size_t buffered() const { return buf_.size() - pos_; }

 private:
  Event fail(FrameError e, std::string_view head);
  Event take();

  FramerLimits limits_;
  std::string buf_;
  std::size_t pos_ = 0;   // start of what next() has not consumed
  std::size_t want_ = 0;  // size of the message whose head was judged; 0: none
  std::string_view current_;
  FrameError error_ = FrameError::kNone;
};

}  // namespace trunkline::sip
