// The product's exception types: breakage, not outcomes (STYLE.md "Errors").
// A document that is rejected, unreadable or doubtful is a value
// (core::Rejection, FormResult); an exception says the environment or the
// program is broken, and its type says which, so the `linkage` program maps
// it to one exit code (cli/exit_codes.hpp) without guessing from the text.
//
// Owns: nothing; value types. Thread-safety: immutable after construction.
#pragma once

#include <stdexcept>
#include <string>

namespace core {

// What kind of breakage an exception reports; cli maps each to one exit code.
enum class ErrorKind {
    usage,     // a command line the program does not accept            → exit 2
    input,     // a file or value the user named is missing or invalid  → exit 3
    config,    // the configuration is broken                           → exit 4
    install,   // the installation is broken (shipped data, templates)  → exit 4
    store,     // the store cannot be opened, migrated or written       → exit 5
    refused,   // a rule forbids the action, or the record is unknown   → exit 6
    locked,    // another run of the same job holds the lock            → exit 7
    internal,  // a bug: a broken invariant, an impossible state        → exit 70
};

// The base of every exception the product throws on purpose. what() is one
// clear line for an operator: what failed, where, and what to do.
class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, const std::string& what) : std::runtime_error(what), m_kind(kind) {}
    ErrorKind kind() const noexcept { return m_kind; }

private:
    ErrorKind m_kind;
};

// A file or value named by the user (command line, upload, import) is
// missing, unreadable or invalid.
class InputError : public Error {
public:
    explicit InputError(const std::string& what) : Error(ErrorKind::input, what) {}
};

// The installation is broken: a shipped data file or template is missing or
// unreadable, a library refuses to start (an OCR model, a font). Exit 4, as a
// bad configuration: the operator must repair the installation.
class InstallError : public Error {
public:
    explicit InstallError(const std::string& what) : Error(ErrorKind::install, what) {}
};

// A rule forbids the action, or the record it names does not exist.
class RefusedError : public Error {
public:
    explicit RefusedError(const std::string& what) : Error(ErrorKind::refused, what) {}
};

// A bug: an invariant broke or a state the code believed impossible occurred.
class InternalError : public Error {
public:
    explicit InternalError(const std::string& what) : Error(ErrorKind::internal, what) {}
};

}  // namespace core
