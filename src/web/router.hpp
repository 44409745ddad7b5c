// The Poco glue: a handler factory that gives every request a
// RequestHandler, which runs one Exchange through the route table
// (router.cpp). Internal to the web module.
// Thread-safety: handlers are created per request; App is shared (see app.hpp).
#pragma once

#include "web/app.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include <string>

namespace web {

class RequestHandler final : public Poco::Net::HTTPRequestHandler {
public:
    explicit RequestHandler(App& app) : m_app(app) {}
    void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& res) override;

private:
    App& m_app;
};

class HandlerFactory final : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit HandlerFactory(App& app) : m_app(app) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest& req) override;

private:
    App& m_app;
};

// The request target as the access log shows it: approval tokens replaced,
// long numbers in the query (personal identity numbers) masked.
std::string loggable_target(const std::string& uri);

}  // namespace web
