// SIP parse throughput, one core: Trunkline's parser against libosip2 and
// sofia-sip on the same corpus in the same run. One iteration parses every
// message of the corpus once; counters give messages/s and ns/message.
//
//   sip_parse [--corpus DIR] [benchmark flags]
//
// DIR defaults to $TL_SOURCE_ROOT/perf/corpus/sip, else the corpus beside
// this source (a call flow: INVITE with SDP, 100, 180, 183 with SDP, 200
// with SDP, ACK, BYE, 200, OPTIONS, REGISTER with Authorization, 401).
//
// Every parser parses every header the stack uses and the results are read
// back, so nothing is left to laziness or the optimiser: for Trunkline the
// start line, all Vias, From, To, Call-ID, CSeq, Max-Forwards,
// Content-Length, Contact, Route, Record-Route, Supported, Require, Allow,
// Content-Type, Expires and the Authorization / WWW-Authenticate fields;
// osip_message_parse() and sofia's msg_make() parse all of theirs.
#include <benchmark/benchmark.h>
#include <dirent.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "control/sip/auth.h"
#include "control/sip/lists.h"
#include "control/sip/message.h"
#include "control/sip/preparse.h"

extern "C" {
#include <osipparser2/osip_parser.h>
}
#include <sofia-sip/msg.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_protos.h>

#ifndef TL_SIP_CORPUS_DIR
#define TL_SIP_CORPUS_DIR "perf/corpus/sip"
#endif

namespace {

using namespace trunkline::sip;

std::vector<std::string> g_corpus;

bool load_corpus(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return false;
  std::vector<std::string> names;
  while (dirent* e = readdir(d))
    if (e->d_name[0] != '.') names.push_back(dir + "/" + e->d_name);
  closedir(d);
  std::sort(names.begin(), names.end());
  for (const std::string& n : names) {
    std::ifstream in(n, std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!data.empty()) g_corpus.push_back(std::move(data));
  }
  return !g_corpus.empty();
}

// --- Trunkline ---------------------------------------------------------------

std::size_t trunkline_parse(std::string_view datagram, Message& m) {
  if (!parse_message(datagram, &m).ok()) return 0;
  std::size_t sum = m.call_id().size() + m.cseq().number + m.from().tag.size() + m.to().tag.size() +
                    m.from().addr.uri.host.text.size() + m.to().addr.uri.user.size() +
                    m.max_forwards() + m.content_length() + m.body().size();
  sum += m.is_request() ? m.request_line().uri.host.text.size() : m.status_line().code;
  // The top Via was parsed on receipt; the rest are read from where it ends.
  sum += m.top_via().branch.size() + m.top_via().port + m.top_via().host.text.size();
  ListReader<Via> vias(m, m.find(HeaderId::kVia), m.top_via_end(), parse_via);
  Via via;
  while (vias.next(&via)) sum += via.branch.size() + via.port + via.host.text.size();
  ListReader<Contact> contacts(m, HeaderId::kContact, parse_contact);
  Contact contact;
  while (contacts.next(&contact)) sum += contact.addr.uri.host.text.size() + contact.expires;
  for (HeaderId id : {HeaderId::kRoute, HeaderId::kRecordRoute}) {
    ListReader<NameAddr> routes(m, id, parse_route);
    NameAddr route;
    while (routes.next(&route)) sum += route.uri.host.text.size() + route.uri.lr;
  }
  for (HeaderId id : {HeaderId::kSupported, HeaderId::kRequire, HeaderId::kAllow}) {
    ListReader<std::string_view> tokens(m, id, parse_list_token);
    std::string_view token;
    while (tokens.next(&token)) sum += token.size();
  }
  if (const HeaderField* ct = m.find(HeaderId::kContentType)) {
    Cursor c(ct->value);
    MediaType type;
    if (parse_media_type(c, &type, nullptr)) sum += type.subtype.size();
  }
  if (const HeaderField* ex = m.find(HeaderId::kExpires)) {
    std::uint32_t v = 0;
    if (parse_delta_seconds(ex->value, &v, nullptr)) sum += v;
  }
  AuthField auth;
  if (const HeaderField* h = m.find(HeaderId::kAuthorization))
    if (parse_credentials(h->value, &auth, nullptr)) sum += auth.get("response").size();
  if (const HeaderField* h = m.find(HeaderId::kWWWAuthenticate))
    if (parse_challenge(h->value, &auth, nullptr)) sum += auth.get("nonce").size();
  return sum;
}

void BM_Trunkline(benchmark::State& state) {
  Message m;
  for (auto _ : state) {
    for (const std::string& d : g_corpus) benchmark::DoNotOptimize(trunkline_parse(d, m));
  }
  state.counters["msgs/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * g_corpus.size()), benchmark::Counter::kIsRate);
  state.counters["ns/msg"] =
      benchmark::Counter(static_cast<double>(state.iterations() * g_corpus.size()) * 1e-9,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// What an lcore does per datagram before steering it (for reference).
void BM_TrunklinePreparse(benchmark::State& state) {
  PreParsed p;
  for (auto _ : state) {
    for (const std::string& d : g_corpus) {
      benchmark::DoNotOptimize(preparse_datagram(d, &p));
      benchmark::DoNotOptimize(p.call_id.size() + p.cseq + p.branch.size());
    }
  }
  state.counters["msgs/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * g_corpus.size()), benchmark::Counter::kIsRate);
  state.counters["ns/msg"] =
      benchmark::Counter(static_cast<double>(state.iterations() * g_corpus.size()) * 1e-9,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// --- libosip2 ----------------------------------------------------------------

std::size_t osip_parse(const std::string& d) {
  osip_message_t* sip = nullptr;
  if (osip_message_init(&sip) != 0) return 0;
  std::size_t sum = 0;
  if (osip_message_parse(sip, d.data(), d.size()) == 0) {
    if (sip->call_id != nullptr && sip->call_id->number != nullptr)
      sum += std::strlen(sip->call_id->number);
    if (sip->cseq != nullptr && sip->cseq->number != nullptr) sum += std::strlen(sip->cseq->number);
    osip_via_t* via = nullptr;
    for (int i = 0; osip_message_get_via(sip, i, &via) >= 0; ++i) {
      osip_generic_param_t* branch = nullptr;
      if (osip_via_param_get_byname(via, const_cast<char*>("branch"), &branch) == 0 &&
          branch->gvalue)
        sum += std::strlen(branch->gvalue);
    }
    osip_generic_param_t* tag = nullptr;
    if (sip->from != nullptr && osip_from_get_tag(sip->from, &tag) == 0 && tag->gvalue)
      sum += std::strlen(tag->gvalue);
    if (sip->to != nullptr && osip_to_get_tag(sip->to, &tag) == 0 && tag->gvalue)
      sum += std::strlen(tag->gvalue);
    osip_contact_t* contact = nullptr;
    for (int i = 0; osip_message_get_contact(sip, i, &contact) >= 0; ++i)
      if (contact->url != nullptr && contact->url->host != nullptr)
        sum += std::strlen(contact->url->host);
    sum += static_cast<std::size_t>(osip_list_size(&sip->bodies));
  }
  osip_message_free(sip);
  return sum;
}

void BM_Osip(benchmark::State& state) {
  for (auto _ : state) {
    for (const std::string& d : g_corpus) benchmark::DoNotOptimize(osip_parse(d));
  }
  state.counters["msgs/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * g_corpus.size()), benchmark::Counter::kIsRate);
  state.counters["ns/msg"] =
      benchmark::Counter(static_cast<double>(state.iterations() * g_corpus.size()) * 1e-9,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// --- sofia-sip -----------------------------------------------------------------

std::size_t sofia_parse(const std::string& d) {
  msg_t* msg = msg_make(sip_default_mclass(), 0, d.data(), static_cast<ssize_t>(d.size()));
  if (msg == nullptr) return 0;
  std::size_t sum = 0;
  sip_t* sip = sip_object(msg);
  if (sip != nullptr && !msg_has_error(msg)) {
    if (sip->sip_call_id != nullptr) sum += std::strlen(sip->sip_call_id->i_id);
    if (sip->sip_cseq != nullptr) sum += sip->sip_cseq->cs_seq;
    for (sip_via_t* v = sip->sip_via; v != nullptr; v = v->v_next)
      if (v->v_branch != nullptr) sum += std::strlen(v->v_branch);
    if (sip->sip_from != nullptr && sip->sip_from->a_tag != nullptr)
      sum += std::strlen(sip->sip_from->a_tag);
    if (sip->sip_to != nullptr && sip->sip_to->a_tag != nullptr)
      sum += std::strlen(sip->sip_to->a_tag);
    for (sip_contact_t* c = sip->sip_contact; c != nullptr; c = c->m_next)
      if (c->m_url->url_host != nullptr) sum += std::strlen(c->m_url->url_host);
    if (sip->sip_payload != nullptr) sum += sip->sip_payload->pl_len;
  }
  msg_destroy(msg);
  return sum;
}

void BM_Sofia(benchmark::State& state) {
  for (auto _ : state) {
    for (const std::string& d : g_corpus) benchmark::DoNotOptimize(sofia_parse(d));
  }
  state.counters["msgs/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * g_corpus.size()), benchmark::Counter::kIsRate);
  state.counters["ns/msg"] =
      benchmark::Counter(static_cast<double>(state.iterations() * g_corpus.size()) * 1e-9,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

BENCHMARK(BM_Trunkline);
BENCHMARK(BM_TrunklinePreparse);
BENCHMARK(BM_Osip);
BENCHMARK(BM_Sofia);

// Every parser must take every message of the corpus, or the comparison
// would credit a parser for giving up early.
bool all_parse() {
  bool ok = true;
  Message m;
  for (std::size_t i = 0; i < g_corpus.size(); ++i) {
    const std::string& d = g_corpus[i];
    if (!parse_message(d, &m).ok() || !validate_message(m).ok()) {
      std::fprintf(stderr, "sip_parse: message %zu does not parse with Trunkline\n", i);
      ok = false;
    }
    osip_message_t* sip = nullptr;
    osip_message_init(&sip);
    if (osip_message_parse(sip, d.data(), d.size()) != 0) {
      std::fprintf(stderr, "sip_parse: message %zu does not parse with libosip2\n", i);
      ok = false;
    }
    osip_message_free(sip);
    msg_t* msg = msg_make(sip_default_mclass(), 0, d.data(), static_cast<ssize_t>(d.size()));
    if (msg == nullptr || msg_has_error(msg)) {
      std::fprintf(stderr, "sip_parse: message %zu does not parse with sofia-sip\n", i);
      ok = false;
    }
    if (msg != nullptr) msg_destroy(msg);
  }
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir;
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--corpus") == 0 && i + 1 < argc) {
      dir = argv[++i];
    } else if (std::strncmp(argv[i], "--corpus=", 9) == 0) {
      dir = argv[i] + 9;
    } else {
      rest.push_back(argv[i]);
    }
  }
  if (dir.empty()) {
    const char* root = std::getenv("TL_SOURCE_ROOT");
    dir = root != nullptr && *root != '\0' ? std::string(root) + "/perf/corpus/sip"
                                           : TL_SIP_CORPUS_DIR;
  }
  if (!load_corpus(dir)) {
    std::fprintf(stderr, "sip_parse: no messages in corpus directory %s\n", dir.c_str());
    return 2;
  }
  parser_init();
  if (!all_parse()) return 1;
  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());
  if (benchmark::ReportUnrecognizedArguments(rest_argc, rest.data())) return 2;
  benchmark::AddCustomContext("corpus", dir);
  benchmark::AddCustomContext("corpus_messages", std::to_string(g_corpus.size()));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
