// ocr::remove_box_lines on synthetic crops.
#include <boost/test/unit_test.hpp>

#include "read/read.hpp"

BOOST_AUTO_TEST_SUITE(box_lines)
BOOST_AUTO_TEST_SUITE_END()
