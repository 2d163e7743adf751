#include "control/stats/control_server.h"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <istream>

#include "common/log.h"

namespace trunkline::stats {

namespace asio = boost::asio;
using local = asio::local::stream_protocol;

namespace {
constexpr std::size_t kMaxCommand = 4096;
}

ControlServer::ControlServer(asio::io_context& io, std::string path)
    : io_(io), path_(std::move(path)), acceptor_(io) {}

ControlServer::~ControlServer() {
  boost::system::error_code ec;
  if (acceptor_.is_open()) {
    acceptor_.close(ec);
    ::unlink(path_.c_str());
  }
}

Status ControlServer::listen() {
  boost::system::error_code ec;
  // A socket file left by a crashed daemon is stale if nobody answers on it.
  if (access(path_.c_str(), F_OK) == 0) {
    local::socket probe(io_);
    probe.connect(local::endpoint(path_), ec);
    if (!ec) return Error{path_ + ": another trunkline daemon is already listening here"};
    ::unlink(path_.c_str());
  }
  acceptor_.open(local(), ec);
  if (!ec) acceptor_.bind(local::endpoint(path_), ec);
  if (!ec) acceptor_.listen(16, ec);
  if (ec) return Error{path_ + ": cannot listen on the control socket: " + ec.message()};
  ::chmod(path_.c_str(), 0660);  // root and the trunkline group only
  accept();
  return Status::Ok();
}

void ControlServer::accept() {
  auto sock = std::make_shared<local::socket>(io_);
  acceptor_.async_accept(*sock, [this, sock](const boost::system::error_code& ec) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) serve(sock);
    accept();
  });
}

void ControlServer::serve(std::shared_ptr<local::socket> sock) {
  auto buf = std::make_shared<asio::streambuf>(kMaxCommand);
  asio::async_read_until(
      *sock, *buf, '\n', [this, sock, buf](const boost::system::error_code& ec, std::size_t) {
        std::string line;
        if (ec) {
          line = "";  // no complete line: answered with an error below
        } else {
          std::istream in(buf.get());
          std::getline(in, line);
        }
        auto answer = std::make_shared<std::string>(
            ec ? std::string("error: expected one command line\n") : dispatch(line));
        asio::async_write(*sock, asio::buffer(*answer),
                          [sock, answer](const boost::system::error_code&, std::size_t) {
                            boost::system::error_code ignored;
                            sock->shutdown(local::socket::shutdown_both, ignored);
                          });
      });
}

std::string ControlServer::dispatch(const std::string& line) {
  const auto space = line.find(' ');
  const std::string cmd = line.substr(0, space);
  const std::string args = space == std::string::npos ? "" : line.substr(space + 1);
  auto it = handlers_.find(cmd);
  if (it == handlers_.end()) {
    std::string known;
    for (const auto& [name, h] : handlers_) known += (known.empty() ? "" : ", ") + name;
    return "error: unknown command '" + cmd + "' (known: " + known + ")\n";
  }
  return it->second(args);
}

Result<std::string> request(const std::string& socket_path, const std::string& command) {
  asio::io_context io;
  local::socket sock(io);
  boost::system::error_code ec;
  sock.connect(local::endpoint(socket_path), ec);
  if (ec) {
    return Error{socket_path + ": cannot reach the daemon (" + ec.message() +
                 "); is `trunkline serve` running with this control socket?"};
  }
  const std::string line = command + "\n";
  asio::write(sock, asio::buffer(line), ec);
  if (ec) return Error{socket_path + ": " + ec.message()};
  std::string answer;
  asio::read(sock, asio::dynamic_buffer(answer), ec);
  if (ec && ec != asio::error::eof) return Error{socket_path + ": " + ec.message()};
  return answer;
}

}  // namespace trunkline::stats
