// The one way loadgate includes Boost.Asio.
//
// Asio is compiled once, in asio_impl.cpp (BOOST_ASIO_SEPARATE_COMPILATION is set for every
// target by CMake), so a translation unit that includes this header parses declarations only.
// Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility>; it is
// included here first so no file has to remember that.
#pragma once

#include <utility>

#include <boost/asio.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace loadgate {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
template <typename T = void>
using awaitable = asio::awaitable<T>;
using asio::use_awaitable;
}  // namespace loadgate
