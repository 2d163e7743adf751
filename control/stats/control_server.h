// The local control socket: a Unix stream socket on which a client sends one
// command line ("stats json") and reads the answer until the server closes.
// Runs on the control plane's io_context; the dataplane never sees it.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "common/result.h"

namespace trunkline::stats {

class ControlServer {
 public:
  // Handler: the command's arguments (after the first word) → the answer.
  using Handler = std::function<std::string(const std::string& args)>;

  ControlServer(boost::asio::io_context& io, std::string path);
  ~ControlServer();

  void on(const std::string& command, Handler h) { handlers_[command] = std::move(h); }
  // Binds (replacing a stale socket file) and starts accepting.
  Status listen();

 private:
  void accept();
  void serve(std::shared_ptr<boost::asio::local::stream_protocol::socket> sock);
  std::string dispatch(const std::string& line);

  boost::asio::io_context& io_;
  std::string path_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
  std::map<std::string, Handler> handlers_;
};

// Client side: sends `command`, returns the whole answer.
Result<std::string> request(const std::string& socket_path, const std::string& command);

}  // namespace trunkline::stats
