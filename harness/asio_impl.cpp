// Compiles Asio (with its TLS part) and Beast once for the whole project (see asio.h).
#include <utility>

#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
