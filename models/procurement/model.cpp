#include "models/procurement/model.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/procurement/params.hpp"
#include "models/procurement/read_params.hpp"
#include "sim/counts.hpp"
#include "sim/economic.hpp"
#include "sim/elementary.hpp"
#include "sim/philox_batch.hpp"

namespace reformsim::models {

namespace procurement {

double adoption_share(double years_since_start, double midpoint_years, double steepness_per_year,
                      double ceiling) {
  if (years_since_start < 0.0) return 0.0;
  return ceiling /
         (1.0 + sim::exp_portable(-steepness_per_year * (years_since_start - midpoint_years)));
}

double price_factor(double bidders, double max_reduction, double rate_per_bidder) {
  return 1.0 - max_reduction * (1.0 - sim::exp_portable(-rate_per_bidder * (bidders - 1.0)));
}

double live_fraction(int year, double go_live_years) {
  return std::clamp(static_cast<double>(year) + 1.0 - go_live_years, 0.0, 1.0);
}

double ramp_share(int year, int start_year_offset, double ramp_years) {
  if (year < start_year_offset) return 0.0;
  if (ramp_years <= 0.0) return 1.0;
  return std::min(1.0, static_cast<double>(year - start_year_offset + 1) / ramp_years);
}

}  // namespace procurement

namespace {

using namespace procurement;

// The roll-up's headline counts the group of this name (sim/economic.hpp).
static_assert(std::string_view(kFundGroupNames[0]) == sim::kGeneralFundGroup);
using sim::Range;

constexpr StreamKey kModelKey = StreamKey::of("procurement");
constexpr StreamKey kLeakageKey = kModelKey.with("leakage_share");
constexpr StreamKey kCeilingKey = kModelKey.with("category_management").with("ceiling");
constexpr StreamKey kMidpointKey = kModelKey.with("category_management").with("midpoint_years");
constexpr StreamKey kAddedBiddersKey = kModelKey.with("red_tape").with("added_bidders");
constexpr StreamKey kGoLiveKey = kModelKey.with("procurement_office").with("go_live_year_offset");
constexpr StreamKey kPerTransactionKey =
    kModelKey.with("procurement_office").with("saving_per_transaction_usd");
constexpr StreamKey kLeakageReductionKey =
    kModelKey.with("procurement_office").with("leakage_reduction");
constexpr StreamKey kMaxReductionKey = kModelKey.with("price_curve").with("max_reduction");
constexpr StreamKey kSavingsRateKey = kModelKey.with("savings_rate");
constexpr StreamKey kEscalationKey = kModelKey.with("price_escalation");
constexpr StreamKey kBiddersKey = kModelKey.with("bidders");

// Solicitations drawn one by one in a year (only the red-tape reform draws their bidders).
double solicitations_per_year(const Params& p) {
  if (!p.red_tape.enabled) return 0.0;
  double n = 0.0;
  for (const Category& c : p.categories)
    if (c.competitive_share > 0.0) n += c.solicitations_per_year;
  return n;
}

class ProcurementModel final : public sim::Model {
 public:
  enum Metric {
    kSpend,
    kCategoryManagement,
    kCompetition,
    kProcessing,
    kLeakage,
    kNetSavings,
    kProgramCost,
    kNpv,
    kMetricCount
  };
  enum Input {
    kLeakageShare,
    kCeiling,
    kMidpoint,
    kAddedBidders,
    kGoLive,
    kPerTransaction,
    kLeakageReduction,
    kMaxReduction,
    kFixedInputCount
  };
  // The metrics a category adds to, in whole and by fund group (the rest are program-wide).
  static constexpr Metric kCategoryFlows[] = {kSpend, kCategoryManagement, kCompetition, kLeakage,
                                              kNetSavings};
  // The levers as reforms() declares them (ctx.reform(i)).
  enum Reform : std::size_t { kCategoryManagementReform, kRedTapeReform, kOfficeReform };

  ProcurementModel(Params p, int horizon, double discount_rate)
      : p_(std::move(p)), horizon_(horizon), table_rate_(discount_rate) {
    // The NPV's mid-year discount factors at the scenario's rate, the same for every path.
    for (int y = 0; y < sim::kMaxHorizonYears; ++y)
      discount_table_[y] = std::pow(1.0 + table_rate_, -(static_cast<double>(y) + 0.5));
    for (int n = 0; n < kPriceTableBidders; ++n)
      depth_table_[n] = price_depth(static_cast<double>(n));
    // Processing savings and programme cost belong to no category: they are shared among the
    // fund groups as the spend is (the cost recovered through the cost allocation plan).
    double total_spend = 0.0;
    for (const Category& c : p_.categories) total_spend += c.base_spend_usd;
    for (int g = 0; g < kFundGroups; ++g) {
      double paid = 0.0;
      for (const Category& c : p_.categories) paid += c.base_spend_usd * c.fund_shares[g];
      spend_fund_shares_[g] = total_spend > 0.0 ? paid / total_spend : (g == 0 ? 1.0 : 0.0);
    }
    // Where the red-tape lever's solicitations' uniforms go when drawn ahead: per competitive
    // category its K_c a year over the horizon.
    std::size_t uniforms = 0;
    uniform_offset_.assign(p_.categories.size(), 0);
    for (std::size_t ci = 0; ci < p_.categories.size(); ++ci) {
      const Category& c = p_.categories[ci];
      if (!(c.competitive_share > 0.0)) continue;
      uniform_offset_[ci] = uniforms;
      uniforms +=
          static_cast<std::size_t>(horizon_) * static_cast<std::size_t>(c.solicitations_per_year);
      by_solicitations_.push_back(ci);
    }
    std::stable_sort(
        by_solicitations_.begin(), by_solicitations_.end(), [this](std::size_t a, std::size_t b) {
          return p_.categories[a].solicitations_per_year > p_.categories[b].solicitations_per_year;
        });
    if (p_.red_tape.enabled && uniforms <= kMaxBatchedUniforms) batched_uniforms_ = uniforms;
    using sim::Better;
    using sim::Fiscal;
    using sim::Kind;
    metrics_ = {
        {"spend_usd", "USD", "spend at current practice (the counterfactual, same in every option)",
         Fiscal::kNone, false, Kind::kFlow, Better::kLower},
        {"category_management_savings_usd", "USD",
         "gross savings negotiated by category management", Fiscal::kBenefit, false, Kind::kFlow,
         Better::kHigher},
        {"competition_savings_usd", "USD",
         "gross savings from more bidders after red-tape reform, on spend category management has "
         "not re-sourced",
         Fiscal::kBenefit, false, Kind::kFlow, Better::kHigher},
        {"processing_savings_usd", "USD", "procure-to-pay savings in transaction processing cost",
         Fiscal::kBenefit, false, Kind::kFlow, Better::kHigher},
        {"leakage_usd", "USD", "negotiated savings lost to off-contract buying and price drift",
         Fiscal::kCost, false, Kind::kFlow, Better::kLower},
        {"net_savings_usd", "USD", "gross savings of all levers minus leakage (a budget saving)",
         Fiscal::kBenefit, true, Kind::kFlow, Better::kHigher},
        {"program_cost_usd", "USD", "set-up and running cost of the enabled levers", Fiscal::kCost,
         true, Kind::kFlow, Better::kLower, /*held_asset=*/false, /*program_cost=*/true},
        {"npv_net_benefit_usd", "USD",
         "NPV of net savings minus program cost at the scenario's discount rate (year 0 only)",
         Fiscal::kBenefit, false, Kind::kNpv, Better::kHigher},
    };
    // Breakdowns (never in_budget: the roll-up counts their parent, or its general_fund group):
    // every money metric by fund group, net savings by category and by budget treatment.
    for (int m = 0; m < kMetricCount; ++m) {
      for (int g = 0; g < kFundGroups; ++g) {
        sim::MetricInfo info = metrics_[static_cast<std::size_t>(m)];
        info.name = info.name.substr(0, info.name.size() - 4) + "." + kFundGroupNames[g] + "_usd";
        info.description += std::string(" - the part paid from (or saved for) the ") +
                            kFundGroupNames[g] + " fund group";
        breakdown(info, m, sim::kFundBreakdown, kFundGroupNames[g]);
      }
    }
    auto net_part = [&](const std::string& group, const std::string& breakdown_name,
                        const std::string& what) {
      sim::MetricInfo info = metrics_[kNetSavings];
      info.name = "net_savings." + group + "_usd";
      info.description = "net savings " + what;
      breakdown(info, kNetSavings, breakdown_name, group);
    };
    for (const Category& c : p_.categories) net_part(c.name, "category", "on " + c.name + " spend");
    net_part(kProcessingGroup, "category", "in procure-to-pay transaction processing");
    net_part("budgetable", "treatment",
             "on recurring purchases: contract prices fall, so next year's appropriations can");
    net_part("cost_avoidance", "treatment",
             "that avoid cost without lowering an appropriation: one-off capital projects coming "
             "in under budget (the bond, grant or capital fund keeps the money) and staff time "
             "freed in transaction processing");
    inputs_ = {
        {"leakage_share", "share of negotiated savings lost (category management on)"},
        {"category_management.ceiling", "ceiling on the share of addressable spend managed"},
        {"category_management.midpoint_years", "years from start to half the ceiling"},
        {"red_tape.added_bidders", "expected bidders per solicitation added by red-tape reform"},
        {"procurement_office.go_live_year_offset", "years from the horizon start to go-live"},
        {"procurement_office.saving_per_transaction_usd", "processing saving per transaction"},
        {"procurement_office.leakage_reduction", "share of leakage removed once live"},
        {"price_curve.max_reduction",
         "price reduction from a sole bidder to many bidders (red-tape reform on)"},
    };
    reforms_ = {{"category_management", p_.cm.enabled, p_.cm.implementation},
                {"red_tape", p_.red_tape.enabled, p_.red_tape.implementation},
                {"procurement_office", p_.office.enabled, p_.office.implementation}};
    for (auto& c : p_.categories) {
      c.savings_key = kSavingsRateKey.with(c.name);
      c.escalation_key = kEscalationKey.with(c.name);
      c.bidders_key = kBiddersKey.with(c.name);
      c.savings_input = static_cast<int>(inputs_.size());
      inputs_.push_back({"savings_rate." + c.name,
                         "category management savings rate on managed " + c.name + " spend"});
      if (c.escalation_factor < 0 && !c.escalation.is_constant()) {
        c.escalation_input = static_cast<int>(inputs_.size());
        inputs_.push_back({"price_escalation." + c.name, "yearly real price escalation"});
      }
    }
  }

  const std::vector<sim::MetricInfo>& metrics() const override { return metrics_; }
  const std::vector<sim::InputInfo>& inputs() const override { return inputs_; }
  const std::vector<sim::ReformInfo>& reforms() const override { return reforms_; }
  double expected_events_per_path() const override {
    return solicitations_per_year(p_) * static_cast<double>(horizon_);
  }
  std::size_t scratch_doubles() const override {
    return 2 * sim::kMaxHorizonYears + batched_uniforms_;
  }

  // Metric rows of the breakdowns (the constructor's order).
  int fund_row(int metric, int group) const { return kMetricCount + metric * kFundGroups + group; }
  int category_row(std::size_t c) const {
    return kMetricCount + kMetricCount * kFundGroups + static_cast<int>(c);
  }
  int processing_row() const { return category_row(p_.categories.size()); }
  int treatment_row(bool cost_avoidance) const {
    return processing_row() + 1 + (cost_avoidance ? 1 : 0);
  }

  void simulate(const sim::PathContext& ctx, const sim::PathOutput& out) const override {
    namespace pc = procurement;
    const int horizon = ctx.horizon();
    const auto& cm = p_.cm;
    const auto& rt = p_.red_tape;
    const auto& office = p_.office;

    // Per-path parameters: one uniform each, from a key named after the parameter, drawn only
    // where the lever acts (recorded as 0 otherwise).
    auto draw = [&](const Distribution& d, StreamKey key) {
      return d.is_constant() ? d.quantile(0.5) : d.quantile(ctx.input_uniform(key));
    };
    double leakage = 0.0, ceiling = 0.0, midpoint = 0.0, added_bidders = 0.0;
    double go_live = std::numeric_limits<double>::infinity(), per_transaction = 0.0;
    double leakage_reduction = 0.0;
    if (cm.enabled) {
      leakage = draw(p_.leakage_share, kLeakageKey);
      ceiling = draw(cm.ceiling, kCeilingKey);
      midpoint = draw(cm.midpoint_years, kMidpointKey);
    }
    double depth = 0.0;
    if (rt.enabled) {
      added_bidders = draw(rt.added_bidders, kAddedBiddersKey);
      depth = draw(p_.max_price_reduction, kMaxReductionKey);
    }
    if (office.enabled) {
      go_live = draw(office.go_live_year_offset, kGoLiveKey);
      per_transaction = draw(office.saving_per_transaction_usd, kPerTransactionKey);
      leakage_reduction = draw(office.leakage_reduction, kLeakageReductionKey);
    }
    out.set_input(kLeakageShare, leakage);
    out.set_input(kCeiling, ceiling);
    out.set_input(kMidpoint, midpoint);
    out.set_input(kAddedBidders, added_bidders);
    out.set_input(kGoLive, office.enabled ? go_live : 0.0);
    out.set_input(kPerTransaction, per_transaction);
    out.set_input(kLeakageReduction, leakage_reduction);
    out.set_input(kMaxReduction, depth);

    // How each lever's implementation turned out on this path (the engine's draw): a lever
    // that fails does nothing, one that is late starts its adoption curve, ramp or go-live that
    // many years later; costs run from the planned start (Lever::cost).
    const sim::ReformRealisation real_cm = ctx.reform(kCategoryManagementReform);
    const sim::ReformRealisation real_rt = ctx.reform(kRedTapeReform);
    const sim::ReformRealisation real_office = ctx.reform(kOfficeReform);
    const bool cm_on = cm.enabled && real_cm.delivers;
    const bool rt_on = rt.enabled && real_rt.delivers;
    const bool office_on = office.enabled && real_office.delivers;
    const int cm_start = real_cm.go_live(cm.start_year_offset);
    const int rt_start = real_rt.go_live(rt.start_year_offset);

    // Yearly program-wide shares, shared by every category.
    double* managed = ctx.scratch().data();
    double* live = managed + sim::kMaxHorizonYears;
    for (int y = 0; y < horizon; ++y) {
      managed[y] =
          cm_on ? pc::adoption_share(y - cm_start + 0.5, midpoint, cm.steepness_per_year, ceiling)
                : 0.0;
      live[y] = office_on ? pc::live_fraction(y, go_live + real_office.delay_years) : 0.0;
    }

    double* cm_savings = out.metric(kCategoryManagement);
    double* competition = out.metric(kCompetition);
    double* processing = out.metric(kProcessing);
    double* leaked = out.metric(kLeakage);
    double* net = out.metric(kNetSavings);
    // A category's yearly flows: spend, negotiated savings, competition savings, leakage and its
    // net saving (kNetSavings: negotiated + competed - lost), by metric.
    double flows[kNetSavings + 1][sim::kMaxHorizonYears];
    double* cost = out.metric(kProgramCost);
    double* npv = out.metric(kNpv);
    pc::ReliefSteps steps;    // the red-tape lever's, rebuilt per category and year
    double* drawn = nullptr;  // the solicitations' uniforms, drawn ahead
    if (rt_on && batched_uniforms_ > 0 && !ctx.redirected()) {
      drawn = live + sim::kMaxHorizonYears;
      draw_solicitations(ctx, added_bidders, rt_start, drawn);
    }

    for (std::size_t ci = 0; ci < p_.categories.size(); ++ci) {
      const Category& c = p_.categories[ci];
      const double rate = cm.enabled ? draw(c.cm_savings_rate, c.savings_key) : 0.0;
      out.set_input(c.savings_input, rate);
      double fixed_escalation = 0.0;
      if (c.escalation_factor < 0) {
        fixed_escalation = draw(c.escalation, c.escalation_key);
        if (c.escalation_input >= 0) out.set_input(c.escalation_input, fixed_escalation);
      }
      double* category_net = out.metric(category_row(ci));
      double* treatment_net = out.metric(treatment_row(c.capital));
      const double extra_bidders_base = c.bidders_mean - 1.0;
      double s = c.base_spend_usd;
      for (int y = 0; y < horizon; ++y) {
        const double e = c.escalation_factor >= 0
                             ? std::max(kMinEscalation, ctx.factor(c.escalation_factor, y))
                             : fixed_escalation;
        s = s * ((1.0 + c.growth) * (1.0 + e));
        // Spend that category management has re-sourced this year: its price is the negotiated
        // one, and its competition already counted there (no stacking of the two levers).
        const double managed_spend = s * c.cm_addressable_share * managed[y];
        const double negotiated = managed_spend * rate;
        const double lost = negotiated * leakage * (1.0 - leakage_reduction * live[y]);

        double competed = 0.0;
        const double added =
            rt_on ? added_bidders * pc::ramp_share(y, rt_start, rt.ramp_years) : 0.0;
        if (added > 0.0 && c.competitive_share > 0.0) {
          // The solicitations' uniforms: drawn ahead (draw_solicitations), or from the stream.
          const double* ahead = drawn ? drawn + uniform_offset_[ci] +
                                            static_cast<std::size_t>(y) *
                                                static_cast<std::size_t>(c.solicitations_per_year)
                                      : nullptr;
          std::optional<sim::Stream> stream;
          if (!ahead) stream.emplace(ctx.stream(c.bidders_key.with(static_cast<std::uint64_t>(y))));
          int next = 0;
          auto uniform = [&] { return ahead ? ahead[next++] : stream->uniform(); };
          double relief = 0.0;
          auto add_relief = [&](std::int64_t n0, std::int64_t n1) {
            if (n1 != n0)
              relief +=
                  1.0 - (1.0 - depth * price_depth(n1 + 1)) / (1.0 - depth * price_depth(n0 + 1));
          };
          const double mean_after = extra_bidders_base + added;
          if (c.extra_bidders.is_poisson() &&
              steps.build(extra_bidders_base, mean_after, [&](std::int64_t n0, std::int64_t n1) {
                return 1.0 -
                       (1.0 - depth * price_depth(n1 + 1)) / (1.0 - depth * price_depth(n0 + 1));
              })) {
            for (int k = 0; k < c.solicitations_per_year; ++k) {
              double r;
              if (steps.relief(uniform(), r)) relief += r;
            }
          } else if (c.extra_bidders.is_poisson()) {
            const sim::PoissonQuantile extra_before(extra_bidders_base);
            const sim::PoissonQuantile extra_after(mean_after);
            for (int k = 0; k < c.solicitations_per_year; ++k) {
              const double u = uniform();
              add_relief(extra_before(u), extra_after(u));
            }
          } else {
            for (int k = 0; k < c.solicitations_per_year; ++k) {
              const double u = uniform();
              add_relief(c.extra_bidders.quantile(extra_bidders_base, u),
                         c.extra_bidders.quantile(mean_after, u));
            }
          }
          competed = (s - managed_spend) * c.competitive_share * relief /
                     static_cast<double>(c.solicitations_per_year);
        }
        flows[kSpend][y] = s;
        flows[kCategoryManagement][y] = negotiated;
        flows[kCompetition][y] = competed;
        flows[kLeakage][y] = lost;
        flows[kNetSavings][y] = negotiated + competed - lost;
      }
      // The category's flows into the model's rows, a row at a time (each value of a row gets
      // one term a category, in the categories' order). A flow that is +0 every year (a lever
      // that is off) is left out: the engine zeroes the rows, a row is never -0 (a sum is -0 only
      // when both terms are), and x + (+0) is x for every other x, so the rows keep their bits.
      // Net savings as a whole is the totals' sum (below).
      auto is_plus_zero = [horizon](const double* v) {
        std::uint64_t bits = 0;
        for (int y = 0; y < horizon; ++y) bits |= std::bit_cast<std::uint64_t>(v[y]);
        return bits == 0;
      };
      for (const int m : kCategoryFlows) {
        const double* v = flows[m];
        if (is_plus_zero(v)) continue;
        if (m != kNetSavings) {
          double* row = out.metric(m);
          for (int y = 0; y < horizon; ++y) row[y] += v[y];
        }
        for (int g = 0; g < kFundGroups; ++g) {
          const double f = c.fund_shares[g];
          double* part = out.metric(fund_row(m, g));
          for (int y = 0; y < horizon; ++y) part[y] += v[y] * f;
        }
      }
      if (!is_plus_zero(flows[kNetSavings])) {
        for (int y = 0; y < horizon; ++y) category_net[y] += flows[kNetSavings][y];
        for (int y = 0; y < horizon; ++y) treatment_net[y] += flows[kNetSavings][y];
      }
    }

    const double npv_rate = ctx.discount_rate();
    double npv_sum = 0.0;
    double npv_fund[kFundGroups] = {};
    double* processing_net = out.metric(processing_row());
    double* avoided = out.metric(treatment_row(true));
    for (int y = 0; y < horizon; ++y) {
      processing[y] = office.transactions_per_year * per_transaction * live[y];
      cost[y] = cm.cost(y, real_cm) + rt.cost(y, real_rt) + office.cost(y, real_office);
      net[y] = cm_savings[y] + competition[y] + processing[y] - leaked[y];
      processing_net[y] = processing[y];
      avoided[y] += processing[y];
      const double discount = npv_rate == table_rate_
                                  ? discount_table_[y]
                                  : std::pow(1.0 + npv_rate, -(static_cast<double>(y) + 0.5));
      npv_sum += (net[y] - cost[y]) * discount;
      for (int g = 0; g < kFundGroups; ++g) {
        const double f = spend_fund_shares_[g];
        out.metric(fund_row(kProcessing, g))[y] = processing[y] * f;
        out.metric(fund_row(kProgramCost, g))[y] = cost[y] * f;
        double* fund_net = out.metric(fund_row(kNetSavings, g));
        fund_net[y] += processing[y] * f;
        npv_fund[g] += (fund_net[y] - cost[y] * f) * discount;
      }
    }
    npv[0] = npv_sum;
    for (int g = 0; g < kFundGroups; ++g) out.metric(fund_row(kNpv, g))[0] = npv_fund[g];
  }

 private:
  // 1 - exp(-b (n - 1)): the share of the curve's depth A reached with n bidders, so that
  // pc::price_factor(n, A, b) = 1 - A price_depth(n).
  double price_depth(double bidders) const {
    return 1.0 - sim::exp_portable(-p_.rate_per_bidder * (bidders - 1.0));
  }
  // price_depth(n) from a table for the usual counts.
  double price_depth(std::int64_t bidders) const {
    return bidders < kPriceTableBidders ? depth_table_[bidders]
                                        : price_depth(static_cast<double>(bidders));
  }
  // The uniforms of every category-year stream whose solicitations draw bidders (added > 0 and a
  // competitive share, as simulate() decides), K_c of them at u + uniform_offset_[c] + y K_c, in
  // SIMD lanes: sim::philox_blocks gives block b of many streams at once, whose words 0-1 and
  // 2-3 are the stream's uniforms 2b and 2b + 1 (Stream::uniform), so the same values as the
  // streams drawn one by one. The streams go in order of their solicitations, most first, so
  // those still drawing at block b are a prefix.
  void draw_solicitations(const sim::PathContext& ctx, double added_bidders, int rt_start,
                          double* u) const {
    std::uint64_t keys[sim::kPhiloxBatch];
    double* to[sim::kPhiloxBatch];
    int count[sim::kPhiloxBatch];
    sim::PhiloxBlocks blocks;
    std::size_t n = 0;
    auto flush = [&] {
      std::size_t active = n;
      for (std::uint32_t b = 0; active > 0; ++b) {
        while (active > 0 && 2 * static_cast<std::int64_t>(b) >= count[active - 1]) --active;
        if (active == 0) break;
        sim::philox_blocks(ctx.seed(), ctx.path(), keys, active, b, blocks);
        for (std::size_t i = 0; i < active; ++i) {
          to[i][2 * b] = sim::uniform53(blocks.w[0][i], blocks.w[1][i]);
          if (2 * static_cast<std::int64_t>(b) + 1 < count[i])
            to[i][2 * b + 1] = sim::uniform53(blocks.w[2][i], blocks.w[3][i]);
        }
      }
      n = 0;
    };
    for (const std::size_t ci : by_solicitations_) {
      const Category& c = p_.categories[ci];
      for (int y = 0; y < horizon_; ++y) {
        if (!(added_bidders * procurement::ramp_share(y, rt_start, p_.red_tape.ramp_years) > 0.0))
          continue;
        keys[n] = c.bidders_key.with(static_cast<std::uint64_t>(y)).value();
        to[n] = u + uniform_offset_[ci] +
                static_cast<std::size_t>(y) * static_cast<std::size_t>(c.solicitations_per_year);
        count[n] = c.solicitations_per_year;
        if (++n == sim::kPhiloxBatch) flush();
      }
    }
    flush();
  }
  void breakdown(sim::MetricInfo info, int parent, const std::string& name,
                 const std::string& group) {
    info.in_budget = false;
    info.program_cost = false;
    info.parent = metrics_[static_cast<std::size_t>(parent)].name;
    info.breakdown = name;
    info.group = group;
    metrics_.push_back(std::move(info));
  }

  static constexpr int kPriceTableBidders = 64;
  // Most uniforms a path's solicitations draw ahead (draw_solicitations; 512 KiB of scratch);
  // beyond, every category-year's stream draws its own one by one.
  static constexpr std::size_t kMaxBatchedUniforms = std::size_t{1} << 16;
  std::size_t batched_uniforms_ = 0;           // scratch for them; 0: none drawn ahead
  std::vector<std::size_t> uniform_offset_;    // per category: where its years' uniforms start
  std::vector<std::size_t> by_solicitations_;  // competitive categories, most solicitations first
  Params p_;
  int horizon_;
  double table_rate_;                                  // the rate of discount_table_
  double discount_table_[sim::kMaxHorizonYears] = {};  // (1 + rate)^-(y + 0.5)
  double depth_table_[kPriceTableBidders] = {};
  double spend_fund_shares_[kFundGroups] = {};
  std::vector<sim::MetricInfo> metrics_;
  std::vector<sim::InputInfo> inputs_;
  std::vector<sim::ReformInfo> reforms_;  // in the order of kCategoryManagementReform, ...
};

}  // namespace

std::unique_ptr<sim::Model> make_procurement_model(sim::MapReader& r, const sim::ModelEnv& env) {
  procurement::Params p = procurement::read_params(r, env);
  sim::check_events_per_path_year(r, "categories", solicitations_per_year(p),
                                  "solicitations (competition.solicitations_per_year, summed over "
                                  "the categories)");
  r.finish();
  return std::make_unique<ProcurementModel>(std::move(p), env.settings.horizon_years,
                                            env.settings.discount_rate);
}

}  // namespace reformsim::models
