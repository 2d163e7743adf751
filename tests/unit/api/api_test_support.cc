#include "tests/unit/api/api_test_support.h"

#include <gtest/gtest.h>

#include <thread>

#include "control/auth/encoding.h"
#include "control/auth/totp.h"

namespace trunkline::api::testing {

Response call(ApiService& api, const std::string& method, const std::string& target,
              const std::string& token, const std::string& body) {
  Request r;
  r.method = method;
  r.target = target;
  if (!token.empty()) r.authorization = "Bearer " + token;
  r.body = body;
  r.source = "192.0.2.7";
  return api.handle(r);
}

std::string field(const std::string& body, const std::string& name) {
  const auto k = body.find("\"" + name + "\":\"");
  if (k == std::string::npos) return "";
  const auto s = k + name.size() + 4;
  return body.substr(s, body.find('"', s) - s);
}

std::string session(ApiService& api, store::SqliteStore& store, Scope tenant,
                    const std::string& name, auth::Role role) {
  AccountRepository repo(store);
  auto acc =
      auth::Account::create({name, role, tenant}, "Initial-pw-1", {}, api.now(), {{4, 8, 1}});
  EXPECT_TRUE(acc.ok());
  EXPECT_TRUE(repo.insert(acc->record()).ok());
  const std::string t = tenant ? std::to_string(*tenant) : "null";
  Response r =
      call(api, "POST", "/api/v1/login", "",
           "{\"tenant\":" + t + ",\"user\":\"" + name + "\",\"password\":\"Initial-pw-1\"}");
  EXPECT_EQ(r.status, 200) << r.body;
  const std::string token = field(r.body, "token");
  if (auth::requires_mfa(role)) {
    Response e = call(api, "POST", "/api/v1/me/mfa/enrol", token);
    auto secret = auth::base32_decode(field(e.body, "secret_base32"));
    EXPECT_TRUE(secret.ok());
    Response c = call(api, "POST", "/api/v1/me/mfa/confirm", token,
                      "{\"code\":\"" + auth::totp_code(*secret, api.now(), {}) + "\"}");
    EXPECT_EQ(c.status, 200) << c.body;
  }
  Response p = call(api, "POST", "/api/v1/me/password", token,
                    "{\"current\":\"Initial-pw-1\",\"new\":\"Changed-pw-2\"}");
  EXPECT_EQ(p.status, 200) << p.body;
  return field(p.body, "token");
}

Streamed drain(const Response& r) {
  Streamed out{r.body, r.stream == nullptr};
  if (!r.stream) return out;
  for (int i = 0; i < 100000; ++i) {
    BodyPiece p = r.stream->next();
    if (p.failed) return out;
    out.body += p.data;
    if (p.last) {
      out.complete = true;
      return out;
    }
    if (p.data.empty()) std::this_thread::sleep_for(p.retry);
  }
  ADD_FAILURE() << "the stream never ended";
  return out;
}

}  // namespace trunkline::api::testing
