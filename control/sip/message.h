// A parsed SIP message over the bytes it came in: zero-copy (every field is
// a view into the caller's buffer, which must outlive the Message), no heap
// allocation, at most kMaxHeaders header fields.
//
// parse_message() frames the message (start line, header lines, body by
// Content-Length) and parses eagerly what every message needs on receipt:
// the start line, the top Via, From, To, Call-ID, CSeq, Max-Forwards and
// Content-Length. Everything else is located but parsed on demand:
// validate_message() parses every known header value (lint, the refusal
// rules), ListReader walks the values of a list header.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "control/sip/header_id.h"
#include "control/sip/lex.h"
#include "control/sip/lists.h"
#include "control/sip/name_addr.h"
#include "control/sip/parse_error.h"
#include "control/sip/scalar_headers.h"
#include "control/sip/start_line.h"
#include "control/sip/via.h"

namespace trunkline::sip {

inline constexpr std::size_t kMaxHeaders = 64;

struct HeaderField {
  std::string_view name;   // as written ("v", "VIA", "Via")
  std::string_view value;  // trimmed; folds kept as written
  HeaderId id;
};

class Message {
 public:
  // The datagram as given, and the message within it (start line to the
  // end of the body; octets after the body are trailing()).
  std::string_view datagram() const { return datagram_; }
  std::string_view bytes() const { return bytes_; }
  std::string_view trailing() const {
    return datagram_.substr(
        static_cast<std::size_t>(bytes_.data() + bytes_.size() - datagram_.data()));
  }

  bool is_request() const { return is_request_; }
  const RequestLine& request_line() const { return request_line_; }
  const StatusLine& status_line() const { return status_line_; }
  // The request's method, or for a response the method of its CSeq.
  Method method() const { return is_request_ ? request_line_.method_id : cseq_.method_id; }

  std::size_t header_count() const { return header_count_; }
  const HeaderField& header(std::size_t i) const { return headers_[i]; }
  const HeaderField* begin() const { return headers_.data(); }
  const HeaderField* end() const { return headers_.data() + header_count_; }
  // First header with that id, or nullptr.
  const HeaderField* find(HeaderId id) const {
    std::uint8_t i = first_[static_cast<std::size_t>(id)];
    return i == kAbsent ? nullptr : &headers_[i];
  }
  // The next header with the same id after `after`, or nullptr.
  const HeaderField* find_next(const HeaderField* after) const;
  // First header with that name (known headers match in long or compact
  // form; unknown ones by case-insensitive name).
  const HeaderField* find(std::string_view name) const;
  std::size_t count(HeaderId id) const;

  // Parsed on receipt.
  const Via& top_via() const { return top_via_; }
  // Where the top via-parm ends inside the first Via header's value (a
  // ListReader can go on from there without parsing it again).
  const char* top_via_end() const { return top_via_end_; }
  const FromTo& from() const { return from_; }
  const FromTo& to() const { return to_; }
  std::string_view call_id() const { return call_id_; }
  const CSeq& cseq() const { return cseq_; }
  bool has_max_forwards() const { return has_max_forwards_; }
  std::uint8_t max_forwards() const { return max_forwards_; }
  bool has_content_length() const { return has_content_length_; }
  std::uint32_t content_length() const { return content_length_; }
  std::string_view body() const { return body_; }

  // Byte offset of a view into this message's datagram.
  std::uint32_t offset_of(const char* p) const {
    return static_cast<std::uint32_t>(p - datagram_.data());
  }

 private:
  friend ParseError parse_message(std::string_view datagram, Message* out);
  static constexpr std::uint8_t kAbsent = 0xFF;

  std::string_view datagram_;
  std::string_view bytes_;
  bool is_request_ = false;
  bool has_max_forwards_ = false;
  bool has_content_length_ = false;
  std::uint8_t max_forwards_ = 0;
  std::uint32_t content_length_ = 0;
  std::uint8_t header_count_ = 0;
  RequestLine request_line_;
  StatusLine status_line_;
  Via top_via_;
  const char* top_via_end_ = nullptr;
  FromTo from_;
  FromTo to_;
  std::string_view call_id_;
  CSeq cseq_;
  std::string_view body_;
  std::array<std::uint8_t, kHeaderIdCount> first_;
  std::array<HeaderField, kMaxHeaders> headers_;
};

// Parses one message from a UDP datagram. Octets after Content-Length are
// ignored (RFC 3261 section 18.3); without Content-Length the body runs to
// the end of the datagram.
ParseError parse_message(std::string_view datagram, Message* out);

// Parses the value of every known header field that parse_message() left
// for later (every Via after the top one, Contact, Route, Record-Route,
// Require, Supported, Allow, Content-Type, Accept, Authorization, ...).
ParseError validate_message(const Message& msg);

// A value-level failure turned into a message-level error for header h.
ParseError header_error(const Message& msg, const HeaderField& h, const SyntaxError& e);

// Walks every element of a list header across its repeated lines, in
// order: ListReader<Via> vias(msg, HeaderId::kVia, parse_via). The element
// type can also be deduced: ListReader vias(msg, HeaderId::kVia, parse_via).
//
// `Parse` is the element parser's type: a function pointer by default, or
// a function object type, whose call then inlines into next(). next() and
// the constructors are small and inline too, so for a reader that lives in
// one function the compiler may see the pointer's value. Token lists call
// parse_list_token() inline either way.
template <typename T, typename Parse = bool (*)(Cursor&, T*, SyntaxError*)>
class ListReader {
 public:
  using ParseOne = Parse;

  ListReader(const Message& msg, HeaderId id, Parse parse_one)
      : msg_(msg), parse_one_(parse_one), header_(msg.find(id)), cursor_(std::string_view{}) {
    if (header_ != nullptr) cursor_ = Cursor(header_->value);
  }

  // Goes on after an element already parsed that ends at `resume_at`
  // inside `header`'s value: ListReader<Via>(msg, msg.find(HeaderId::kVia),
  // msg.top_via_end(), parse_via) reads every Via but the top one.
  ListReader(const Message& msg, const HeaderField* header, const char* resume_at, Parse parse_one)
      : msg_(msg),
        parse_one_(parse_one),
        header_(header),
        cursor_(resume_at,
                header != nullptr ? header->value.data() + header->value.size() : resume_at),
        started_(true) {}

  // The next element; false at the end or on error (see error()).
  bool next(T* out) {
    while (header_ != nullptr) {
      if (started_) {
        // The usual separator first: ", " and the next element on this line.
        const char* p = cursor_.pos();
        if (cursor_.end() - p > 2 && p[0] == ',' && p[1] == ' ' && !is(p[2], kLws)) {
          cursor_.advance(2);
        } else {
          cursor_.skip_lws();
          if (!cursor_.consume(',')) {
            if (!cursor_.done()) return fail("expected ',' or end of value");
            if (!next_header()) return false;
            continue;
          }
          cursor_.skip_lws();
        }
      } else {
        cursor_.skip_lws();
        if (cursor_.done()) return fail("empty header value");
      }
      SyntaxError e;
      if (!parse(out, &e)) [[unlikely]] {
        error_ = header_error(msg_, *header_, e);
        header_ = nullptr;
        return false;
      }
      started_ = true;
      return true;
    }
    return false;
  }
  const ParseError& error() const { return error_; }

 private:
  static constexpr bool kPointer = std::is_same_v<Parse, bool (*)(Cursor&, T*, SyntaxError*)>;

  bool parse(T* out, SyntaxError* e) {
    // Token lists (Allow, Supported, Require, ...) are the most common:
    // calling the inline token parser by name lets it inline here.
    if constexpr (kPointer && std::is_same_v<T, std::string_view>) {
      if (parse_one_ == &parse_list_token) return parse_list_token(cursor_, out, e);
    }
    return parse_one_(cursor_, out, e);
  }
  // On to the next line of the same header, if any.
  bool next_header() {
    header_ = msg_.find_next(header_);
    if (header_ == nullptr) return false;
    cursor_ = Cursor(header_->value);
    started_ = false;
    return true;
  }
  bool fail(const char* detail) {
    SyntaxError e;
    cursor_.fail(&e, detail);
    error_ = header_error(msg_, *header_, e);
    header_ = nullptr;
    return false;
  }

  const Message& msg_;
  Parse parse_one_;
  const HeaderField* header_;
  Cursor cursor_;
  bool started_ = false;
  ParseError error_;
};

template <typename T>
ListReader(const Message&, HeaderId, bool (*)(Cursor&, T*, SyntaxError*)) -> ListReader<T>;
template <typename T>
ListReader(const Message&, const HeaderField*, const char*, bool (*)(Cursor&, T*, SyntaxError*))
    -> ListReader<T>;

}  // namespace trunkline::sip
