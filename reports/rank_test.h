// The Mann–Whitney U test (the Wilcoxon rank-sum test), as benchstat uses it to tell a change
// from noise: it asks only whether values of one sample tend to rank above those of the other,
// so it assumes no distribution (latencies are anything but normal) and one outlier moves it
// by one rank, not by its size.
#pragma once

#include <vector>

namespace loadgate {

struct RankTest {
  double u = 0;  // U of the first sample: how many (a, b) pairs have a above b (ties count half)
  double z = 0;  // U's distance from its mean under "no difference", in standard deviations
  double p = 1;  // two-sided: the chance of a U this far from its mean were there no difference
};

// The normal approximation with the tie correction and a continuity correction (scipy's
// mannwhitneyu, method "asymptotic"), good from about 8 values a side; callers refuse to
// judge fewer. Two samples of one repeated value (every interval without an error) give p = 1.
// An empty sample gives p = 1.
RankTest mann_whitney(const std::vector<double>& a, const std::vector<double>& b);

// The middle value (the mean of the two middle ones for an even count); 0 for none.
double median(std::vector<double> values);

}  // namespace loadgate
