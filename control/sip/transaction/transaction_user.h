// The two sides of the transaction layer (RFC 3261 §17): the transport it
// sends through, and the transaction user above it (the B2BUA, the
// registrar, the OPTIONS responder) that it hands requests and responses to.
#pragma once

#include <cstdint>
#include <string_view>

#include "control/sip/message.h"
#include "control/sip/transaction/peer.h"

namespace trunkline::sip {

using TxId = std::uint64_t;

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends one datagram. Best effort: UDP loss is what retransmission is for.
  virtual void send(const Peer& to, std::string_view bytes) = 0;
};

class TransactionUser {
 public:
  virtual ~TransactionUser() = default;
  // A new request (never a retransmission; never ACK or CANCEL). Answer with
  // TransactionLayer::respond(server_tx, ...). For an INVITE the layer has
  // already sent 100 Trying.
  virtual void on_request(TxId server_tx, const Message& request, const Peer& from) = 0;
  // An ACK for a 2xx (it has a transaction of its own), or an ACK that
  // matches nothing. The layer has stopped retransmitting the 2xx it acknowledges.
  virtual void on_ack(const Message& ack, const Peer& from) = 0;
  // A CANCEL matched the INVITE server transaction `invite_tx`, which has no
  // final response yet; the layer answered the CANCEL with 200. The TU
  // should answer the INVITE with 487.
  virtual void on_cancel(TxId invite_tx) = 0;
  // A response in one of our client transactions (each distinct one once;
  // retransmissions are absorbed).
  virtual void on_response(TxId client_tx, const Message& response) = 0;
  // Timer B or F: no final response came.
  virtual void on_client_timeout(TxId client_tx) = 0;
  // Timer H (no ACK for our non-2xx final) or the 2xx was never ACKed.
  virtual void on_server_timeout(TxId server_tx) = 0;
  // A response that matches no transaction, e.g. a 2xx retransmission after
  // the INVITE client transaction ended: the TU acknowledges it again.
  virtual void on_stray_response(const Message& response, const Peer& from) = 0;
};

}  // namespace trunkline::sip
