#include "control/sip/service/sip_service.h"

#include <cstdio>

#include "control/sip/message_writer.h"

namespace trunkline::sip {

namespace {
constexpr std::string_view kAllow = "INVITE, ACK, BYE, CANCEL, OPTIONS";
}

std::string SipService::new_tag() {
  char buf[24];
  std::snprintf(buf, sizeof buf, "tl%llx%llx", static_cast<unsigned long long>(now_ms_()),
                static_cast<unsigned long long>(++tag_counter_));
  return buf;
}

void SipService::answer(TxId tx, const Message& request, int code, std::string_view reason,
                        std::string_view extra_headers, std::string_view content_type,
                        std::string_view body) {
  std::string out;
  MessageWriter w(&out);
  write_response_head(request, code, reason, code == 100 ? std::string() : new_tag(), w);
  if (!extra_headers.empty()) out.append(extra_headers);
  w.header("Server", "Trunkline");
  w.finish(content_type, body);
  (void)layer_->respond(tx, std::move(out), code, now_ms_());
}

void SipService::on_request(TxId tx, const Message& req, const Peer& from) {
  const std::string local = from.local.to_string();
  switch (req.method()) {
    case Method::kOptions: {
      ++counters_.options_answered;
      answer(tx, req, 200, "OK",
             "Allow: " + std::string(kAllow) + "\r\nAccept: application/sdp\r\n");
      return;
    }
    case Method::kInvite: {
      if (!test_responder_) {
        ++counters_.invites_refused;
        answer(tx, req, 480, "Temporarily Unavailable", "Retry-After: 60\r\n");
        return;
      }
      ++counters_.invites_answered;
      dialogs_.insert(std::string(req.call_id()));
      counters_.dialogs = dialogs_.size();
      const std::string family = from.local.is_v4() ? "IP4" : "IP6";
      const std::string sdp = "v=0\r\no=trunkline 1 1 IN " + family + " " + local +
                              "\r\ns=trunkline test responder\r\nc=IN " + family + " " + local +
                              "\r\nt=0 0\r\nm=audio 20000 RTP/AVP 0 8 101\r\n"
                              "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
                              "a=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n";
      const std::string host = from.local.is_v4() ? local : "[" + local + "]";
      answer(tx, req, 200, "OK",
             "Contact: <sip:trunkline@" + host + ":" + std::to_string(from.local_port) +
                 std::string(uri_transport_param(from.transport)) +
                 ">\r\nAllow: " + std::string(kAllow) + "\r\n",
             "application/sdp", sdp);
      return;
    }
    case Method::kBye: {
      if (dialogs_.erase(std::string(req.call_id())) != 0) {
        ++counters_.byes_answered;
        counters_.dialogs = dialogs_.size();
        answer(tx, req, 200, "OK");
      } else {
        ++counters_.byes_unknown;
        answer(tx, req, 481, "Call/Transaction Does Not Exist");
      }
      return;
    }
    default:
      ++counters_.other_refused;
      answer(tx, req, 501, "Not Implemented", "Allow: " + std::string(kAllow) + "\r\n");
      return;
  }
}

void SipService::on_cancel(TxId) {
  // Every INVITE is answered as it arrives, so none is ever pending when a
  // CANCEL comes; the layer has answered the CANCEL itself.
}

}  // namespace trunkline::sip
