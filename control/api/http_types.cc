#include "control/api/http_types.h"

#include <cctype>

#include "common/json_string.h"

namespace trunkline::api {

Response problem(int status, std::string_view title, std::string_view detail,
                 std::string_view field) {
  // The type names the kind of problem: the title, lowercased, dashed.
  std::string slug;
  for (char c : title) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      slug += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (!slug.empty() && slug.back() != '-')
      slug += '-';
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  Response r;
  r.status = status;
  r.content_type = "application/problem+json";
  r.body = "{\"type\":" + json_quote("urn:trunkline:problem:" + slug) +
           ",\"title\":" + json_quote(title) + ",\"status\":" + std::to_string(status) +
           ",\"detail\":" + json_quote(detail);
  if (!field.empty()) r.body += ",\"field\":" + json_quote(field);
  r.body += "}";
  return r;
}

Response json_response(std::string body, int status) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

}  // namespace trunkline::api
