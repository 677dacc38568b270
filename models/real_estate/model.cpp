#include "models/real_estate/model.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "models/real_estate/params.hpp"
#include "models/real_estate/read_params.hpp"
#include "sim/elementary.hpp"
#include "sim/errors.hpp"
#include "sim/philox_batch.hpp"
#include "sim/special.hpp"

namespace reformsim::models {
namespace {

using real_estate::Params;
using sim::StreamKey;

constexpr StreamKey kRoot = StreamKey::of("real_estate");

// A per-path parameter: the quantile of one uniform from the stream named after it (common
// random numbers across options); constants need no draw.
double draw(const sim::Distribution& d, const sim::PathContext& ctx, StreamKey key) {
  if (d.is_constant()) return d.params()[0];
  return d.quantile(ctx.input_uniform(key));
}

int round_count(double x) {
  return static_cast<int>(std::floor(x + 0.5));
}

// Damage events waiting for their losses, in the order their losses are added: each event's
// stream key, severity and the two sums its loss goes to. Losses are added only when the batch is
// full or the path's events are all in (flush), in that order, so every sum gets the same
// additions in the same order as one event at a time; meanwhile the streams' first blocks, the
// normal quantiles and the exps of a lognormal body run in SIMD lanes over the whole batch
// (sim::philox_blocks, sim::normal_quantiles, sim::exps_portable: the scalar functions' bits).
// A path has a few events in each of many (class, peril, year) cells: batching them by cell
// gives SIMD loops of two or three values. On the stack, no allocation.
struct DamageEvents {
  std::uint64_t keys[sim::kPhiloxBatch];
  const sim::SplicedSeverity* severity[sim::kPhiloxBatch];
  double* sums[sim::kPhiloxBatch][2];
  sim::PhiloxBlocks blocks;
  double u[sim::kPhiloxBatch], z[sim::kPhiloxBatch], loss[sim::kPhiloxBatch];
  std::size_t n = 0;

  // Losses of the events waiting: severity->quantile(u) each (sim/spliced_severity.hpp).
  void flush(const sim::PathContext& ctx) {
    if (n == 0) return;
    sim::philox_blocks(ctx.seed(), ctx.path(), keys, n, 0, blocks);
    sim::uniforms53(blocks.w[0], blocks.w[1], n, u);
    auto lognormal_body = [&](std::size_t i) {
      const sim::SplicedSeverity& s = *severity[i];
      return s.body.kind() == sim::DistKind::kLognormal &&
             !(s.tail_probability > 0.0 && u[i] >= 1.0 - s.tail_probability);
    };
    // The body's argument as SplicedSeverity::quantile forms it (0.5 where not used).
    for (std::size_t i = 0; i < n; ++i) {
      const sim::SplicedSeverity& s = *severity[i];
      loss[i] = !lognormal_body(i) ? 0.5
                : s.tail_probability <= 0.0
                    ? u[i]
                    : u[i] / (1.0 - s.tail_probability) * s.body_cdf_at_threshold;
    }
    sim::normal_quantiles(loss, n, z);
    for (std::size_t i = 0; i < n; ++i) {
      const double* mu_sigma = severity[i]->body.params();
      z[i] = lognormal_body(i) ? mu_sigma[0] + mu_sigma[1] * z[i] : 0.0;
    }
    sim::exps_portable(z, n, loss);
    for (std::size_t i = 0; i < n; ++i) {
      const sim::SplicedSeverity& s = *severity[i];
      loss[i] = lognormal_body(i) ? std::min(loss[i], s.cap_usd) : s.quantile(u[i]);
      *sums[i][0] += loss[i];
      *sums[i][1] += loss[i];
    }
    n = 0;
  }

  // Events 0 .. count - 1 of a (class, peril, year) cell (keys cell_key.with(i)), their losses
  // going to the two sums.
  void add(const sim::PathContext& ctx, StreamKey cell_key, std::int64_t count,
           const sim::SplicedSeverity& sev, double* sum, double* class_sum) {
    for (std::int64_t first = 0; first < count;) {
      const std::size_t m =
          std::min(static_cast<std::size_t>(count - first), sim::kPhiloxBatch - n);
      sim::stream_keys(cell_key, static_cast<std::uint64_t>(first), m, keys + n);
      for (std::size_t i = n; i < n + m; ++i) {
        severity[i] = &sev;
        sums[i][0] = sum;
        sums[i][1] = class_sum;
      }
      n += m;
      first += static_cast<std::int64_t>(m);
      if (n == sim::kPhiloxBatch) flush(ctx);
    }
  }
};

// The quantiles of `law` at u[0 .. n - 1] into q: a lognormal's as normal quantiles and exps in
// SIMD lanes (Distribution::quantile's exp_portable(mu + sigma normal_quantile(u)), the same
// bits: sim::normal_quantiles and sim::exps_portable give the scalar functions' bits), any other
// law one by one. z: scratch of n.
void quantiles(const sim::Distribution& law, const double* u, std::size_t n, double* q, double* z) {
  if (law.kind() != sim::DistKind::kLognormal) {
    for (std::size_t i = 0; i < n; ++i) q[i] = law.quantile(u[i]);
    return;
  }
  const double mu = law.params()[0], sigma = law.params()[1];
  sim::normal_quantiles(u, n, z);
  for (std::size_t i = 0; i < n; ++i) z[i] = mu + sigma * z[i];
  sim::exps_portable(z, n, q);
}

// One year's sales, drawn at once: sale i's stream (keys[i]) gives its time to sell, its price
// ratio and, where the Surplus Land Act applies, its take-up uniform, as its Stream's uniforms
// 0, 1 and 2 (words 0-1 and 2-3 of block 0, words 0-1 of block 1: Stream::uniform), from
// sim::philox_blocks in SIMD lanes over the year's sales; then the quantiles of both laws
// (quantiles()) and, once each sale's closing is known, the exps of its value. Up to
// sim::kPhiloxBatch sales; on the stack.
struct SaleDraws {
  std::uint64_t keys[sim::kPhiloxBatch];
  std::size_t cls[sim::kPhiloxBatch];
  double parcel[sim::kPhiloxBatch], listed[sim::kPhiloxBatch];
  double u0[sim::kPhiloxBatch], u1[sim::kPhiloxBatch], u2[sim::kPhiloxBatch];
  double days[sim::kPhiloxBatch], ratio[sim::kPhiloxBatch], z[sim::kPhiloxBatch];
  double closing[sim::kPhiloxBatch], discount[sim::kPhiloxBatch], arg[sim::kPhiloxBatch];
  bool closes[sim::kPhiloxBatch];
  sim::PhiloxBlocks blocks;

  void draw(const sim::PathContext& ctx, std::size_t n, const sim::Distribution& time_to_sell,
            const sim::Distribution& price_ratio, bool take_up) {
    if (n == 0) return;
    sim::philox_blocks(ctx.seed(), ctx.path(), keys, n, 0, blocks);
    sim::uniforms53(blocks.w[0], blocks.w[1], n, u0);
    sim::uniforms53(blocks.w[2], blocks.w[3], n, u1);
    if (take_up) {
      sim::philox_blocks(ctx.seed(), ctx.path(), keys, n, 1, blocks);
      sim::uniforms53(blocks.w[0], blocks.w[1], n, u2);
    }
    quantiles(time_to_sell, u0, n, days, z);
    quantiles(price_ratio, u1, n, ratio, z);
  }
};

double busiest_damage_events(const real_estate::Params& spec) {
  // Exposure: the replacement value of a class, found unrecorded parcels included.
  double n = 0.0;
  for (const auto& c : spec.classes)
    for (const auto& p : spec.damage.perils)
      n += p.events_per_billion_usd * sim::busy_value(spec.damage.frequency_factor) *
           c.replacement_value_usd * (1.0 + c.unrecorded_share) * 1e-9;
  return n;
}

double busiest_sales(const real_estate::Params& spec) {
  double parcels = 0.0;
  for (const auto& c : spec.classes) parcels += c.parcels * (1.0 + c.unrecorded_share);
  const auto& capacity = spec.disposition.capacity_by_year;
  const double most = capacity.empty() ? 0.0 : *std::max_element(capacity.begin(), capacity.end());
  return std::min(most, parcels);
}

class RealEstateModel final : public sim::Model {
 public:
  enum Metric {
    kMarketValue,
    kOperatingCost,
    kLeaseIncome,
    kProceeds,
    kPartnershipIncome,
    kDamage,
    kProgramCost,
    kNetCashFlow,
    kNpv,
    kEconomicValue,
    kHousingUnits,
    kParcelsSold,
    kSoldValue,
    kSlaDiscount,
    kDamageEvents,
    kMetricCount
  };
  // The metrics broken down by asset class, in the order of their breakdown metrics.
  static constexpr Metric kByClass[] = {kMarketValue, kOperatingCost, kLeaseIncome, kProceeds,
                                        kDamage};
  // Index of the breakdown metric of kByClass[b] for class c.
  int by_class(std::size_t b, std::size_t c) const {
    return static_cast<int>(kMetricCount + b * spec_.classes.size() + c);
  }
  // A surplus parcel's value at an index of 1 (its class's surplus value a parcel).
  double sale_parcel_base(std::size_t c) const {
    const auto& cls = spec_.classes[c];
    return cls.surplus_value_factor * cls.market_value_usd / cls.parcels;
  }

  explicit RealEstateModel(Params spec) : spec_(std::move(spec)) {
    using sim::Better;
    using sim::Fiscal;
    using sim::Kind;
    metrics_ = {
        {"market_value_usd", "USD", "market value of the parcels held at year end", Fiscal::kNone,
         false, Kind::kStock, Better::kHigher, /*held_asset=*/true},
        {"operating_cost_usd", "USD", "operating and maintenance cost of the parcels held",
         Fiscal::kCost, true, Kind::kFlow, Better::kLower},
        {"lease_income_usd", "USD", "lease income collected", Fiscal::kBenefit, true, Kind::kFlow,
         Better::kHigher},
        {"disposition_proceeds_usd", "USD",
         "sale prices of surplus parcels net of transaction costs, in the year of closing",
         Fiscal::kBenefit, true, Kind::kFlow, Better::kHigher},
        {"partnership_income_usd", "USD", "upfront payments and ground leases of partnerships",
         Fiscal::kBenefit, true, Kind::kFlow, Better::kHigher},
        {"damage_losses_usd", "USD", "property damage (fire, water, lightning, vandalism, other)",
         Fiscal::kCost, true, Kind::kFlow, Better::kLower},
        {"program_cost_usd", "USD",
         "asset-management system, incremental disposition and partnership programs", Fiscal::kCost,
         true, Kind::kFlow, Better::kLower, /*held_asset=*/false, /*program_cost=*/true},
        {"net_cash_flow_usd", "USD", "lease + proceeds + partnership income - all costs",
         Fiscal::kNone, false, Kind::kFlow, Better::kHigher},
        {"npv_net_cash_flow_usd", "USD",
         "NPV of the net cash flow at the scenario discount rate (year 0 only)", Fiscal::kNone,
         false, Kind::kNpv, Better::kHigher},
        {"economic_value_usd", "USD",
         "economic view: NPV of the net cash flow plus the market value held at the horizon, "
         "discounted from its end (year 0 only)",
         Fiscal::kNone, false, Kind::kNpv, Better::kHigher},
        {"housing_units", "units", "housing units delivered by partnerships", Fiscal::kNone, false,
         Kind::kCount, Better::kHigher},
        {"parcels_sold", "parcels", "surplus parcels whose sale closed", Fiscal::kNone, false,
         Kind::kCount, Better::kHigher},
        {"sold_value_usd", "USD", "market value of the parcels sold, at their sale dates",
         Fiscal::kNone, false, Kind::kFlow, Better::kHigher},
        {"sla_discount_usd", "USD",
         "Surplus Land Act: price given up on parcels sold to affordable-housing and public "
         "bodies",
         Fiscal::kNone, false, Kind::kFlow, Better::kLower},
        {"damage_events", "events", "property damage events", Fiscal::kNone, false, Kind::kCount,
         Better::kLower},
    };
    const std::size_t n_classes = spec_.classes.size();
    // The breakdown by asset class (MetricInfo::parent): each headline metric's part per class,
    // "<metric>.<class>", after the metrics above, kByClass[b] x n_classes + c.
    for (Metric parent : kByClass) {
      // A copy: the push_back below may move the vector.
      const sim::MetricInfo p = metrics_[static_cast<std::size_t>(parent)];
      for (const auto& c : spec_.classes) {
        sim::MetricInfo part = p;
        part.name = p.name + "." + c.name;
        part.description = p.description + ": asset class " + c.name;
        part.in_budget = part.held_asset = false;
        part.parent = p.name;
        part.breakdown = "asset_class";
        part.group = c.name;
        metrics_.push_back(std::move(part));
      }
    }
    for (const auto& c : spec_.classes) {
      const StreamKey k = kRoot.with("class").with(c.name);
      keys_.push_back({k.with("drift"), k.with("volatility"), k.with("operating_cost_rate"),
                       k.with("surplus_share"), k.with("market"), k.with("sale")});
      for (const auto& p : spec_.damage.perils) {
        const StreamKey d = k.with("damage").with(p.name);
        damage_count_keys_.push_back(d.with("count"));
        damage_event_keys_.push_back(d.with("event"));
      }
      const std::string n = c.name + ".";
      inputs_.push_back({n + "drift", "mean real log-return a year"});
      inputs_.push_back({n + "volatility", "idiosyncratic sd of the yearly log-return"});
      inputs_.push_back({n + "operating_cost_rate", "operating cost / replacement value a year"});
      inputs_.push_back({n + "surplus_share", "share of parcels surplus at the start"});
    }
    ams_input_ = static_cast<int>(inputs_.size());
    inputs_.push_back({"asset_management.detection_rate",
                       "share of under-used and unrecorded parcels found (0 without the system)"});
    inputs_.push_back({"asset_management.operating_cost_reduction",
                       "share of operating cost saved (0 without the system)"});
    inputs_.push_back({"asset_management.lease_collection_gain",
                       "share of uncollected rent recovered (0 without the system)"});
    inputs_.push_back({"disposition.transaction_cost_share", "transaction costs / sale price"});
    inputs_.push_back({"damage.frequency_factor", "multiplier of every peril's event rate"});
    inputs_.push_back({"disposition.surplus_land_act.take_up_share",
                       "share of the parcels offered that priority entities take up (0 without "
                       "the act)"});
    inputs_.push_back({"disposition.surplus_land_act.discount",
                       "price discount of a parcel taken up (0 without the act)"});
    deal_input_ = static_cast<int>(inputs_.size());
    for (const auto& d : spec_.partnerships.deals) {
      const StreamKey k = kRoot.with("partnership").with(d.name);
      deal_keys_.push_back({k.with("closes"), k.with("delay_years"), k.with("upfront_payment_usd"),
                            k.with("ground_lease_usd")});
      const std::string n = "partnerships." + d.name + ".";
      inputs_.push_back({n + "closes", "1 if the deal closes, else 0"});
      inputs_.push_back({n + "delay_years", "years from start to closing"});
      inputs_.push_back({n + "upfront_payment_usd", "paid at closing (0 without partnerships)"});
      inputs_.push_back({n + "ground_lease_usd", "a year after closing (0 without partnerships)"});
    }
    // The drawn parameters of each peril severity whose parameters are uncertain (one draw a
    // path for the peril, shared by every asset class).
    for (const auto& p : spec_.damage.perils) {
      severity_keys_.push_back(kRoot.with("damage").with(p.name).with("severity_parameters"));
      const sim::ParameterUncertainty& u = p.severity.body_uncertainty;
      if (u.present() && severity_input_ < 0) severity_input_ = static_cast<int>(inputs_.size());
      for (std::size_t i = 0; i < u.n; ++i)
        inputs_.push_back({"damage.perils." + p.name + ".severity." + std::string(u.name(i)),
                           "parameter of the peril's damage severity, drawn for the path"});
    }
    reforms_ = {
        {"asset_management", spec_.asset_management.enabled, spec_.asset_management.implementation},
        {"disposition", spec_.disposition.accelerated(), spec_.disposition.implementation},
        {"partnerships", spec_.partnerships.enabled, spec_.partnerships.implementation}};
    horizon_ = static_cast<std::size_t>(spec_.horizon_years);
    scratch_size_ = kYearArrays * n_classes * horizon_ + kScalars * n_classes +
                    4 * spec_.partnerships.deals.size();
  }

  const std::vector<sim::MetricInfo>& metrics() const override { return metrics_; }
  const std::vector<sim::InputInfo>& inputs() const override { return inputs_; }
  const std::vector<sim::ReformInfo>& reforms() const override { return reforms_; }
  double expected_events_per_path() const override {
    return (busiest_damage_events(spec_) + busiest_sales(spec_)) *
           static_cast<double>(spec_.horizon_years);
  }
  std::size_t scratch_doubles() const override { return scratch_size_; }

  // The six steps of a path, in order (model.hpp's paragraphs).
  void simulate(const sim::PathContext& ctx, const sim::PathOutput& out) const override;

 private:
  // Per class and year (horizon_ each): log value index at year end; parcels sold (at year end,
  // and weighted by the part of the year they were no longer held); recorded base value sold
  // (same two views); unrecorded base value sold (at year end).
  enum YearArray { kLogIndex, kCntEnd, kCntAvg, kRecEnd, kRecAvg, kUnrecEnd, kYearArrays };
  // Per class: drift, volatility, operating cost rate, base surplus S, found under-used F,
  // found unrecorded U, reserved for deals, next base and found parcel to list, listings taken.
  enum Scalar {
    kMu,
    kSigma,
    kCostRate,
    kS,
    kF,
    kU,
    kReserved,
    kNextBase,
    kNextFound,
    kTake,
    kScalars
  };

  // One path's working state: the scratch arrays above (per class and year, per class, per deal:
  // closes, close year, then per deal: upfront payment, ground lease) and the per-path
  // parameters every step after the draws uses.
  struct PathState {
    std::size_t n_classes = 0, horizon = 0;
    double* year_arrays = nullptr;
    double* scalars = nullptr;
    double* deal_state = nullptr;
    double* deal_money = nullptr;
    double detection = 0.0, reduction = 0.0, collection_gain = 0.0;
    double transaction_cost = 0.0, frequency_factor = 0.0;
    double take_up_share = 0.0, sla_discount = 0.0;  // Surplus Land Act
    // How the three programmes' implementation turned out on the path (the engine's draw), and
    // what that makes of the asset-management system: on at all, and from which year.
    sim::ReformRealisation ams_real, disposition_real, partnerships_real;
    bool ams_on = false;
    int ams_effective_year = 0;

    double* year_array(YearArray which, std::size_t c) const {
      return year_arrays + (static_cast<std::size_t>(which) * n_classes + c) * horizon;
    }
    double& scalar(Scalar which, std::size_t c) const {
      return scalars[static_cast<std::size_t>(which) * n_classes + c];
    }
  };
  PathState path_state(const sim::PathContext& ctx) const;
  // Per-path parameters: the asset-management, disposition and damage draws, then per class its
  // market, cost rate and surplus, then per deal whether and when it closes.
  PathState draw_parameters(const sim::PathContext& ctx, const sim::PathOutput& out) const;
  // Market: the log value index per class and year.
  void simulate_market(const sim::PathContext& ctx, PathState& st) const;
  // Disposition: listings by capacity and priority, closings by parcel draws.
  void sell_surplus(const sim::PathContext& ctx, PathState& st, const sim::PathOutput& out) const;
  // Holdings, costs, income and damage per class and year.
  void hold_and_damage(const sim::PathContext& ctx, PathState& st,
                       const sim::PathOutput& out) const;
  // Partnerships: upfront payments, ground leases and housing units of the deals that close.
  void add_partnerships(const sim::PathContext& ctx, const PathState& st,
                        const sim::PathOutput& out) const;
  // Program costs, the net cash flow, its NPV and the economic view.
  void add_program_and_net(const sim::PathContext& ctx, const PathState& st,
                           const sim::PathOutput& out) const;

  struct ClassKeys {
    StreamKey drift, volatility, cost_rate, surplus, market, sale;
  };
  struct DealKeys {
    StreamKey closes, delay, upfront, ground_lease;
  };

  Params spec_;
  std::vector<sim::MetricInfo> metrics_;
  std::vector<sim::InputInfo> inputs_;
  // asset_management, disposition, partnerships: ctx.reform(kAssetManagementReform) ...
  enum Reform : std::size_t { kAssetManagementReform, kDispositionReform, kPartnershipsReform };
  std::vector<sim::ReformInfo> reforms_;
  std::vector<ClassKeys> keys_;
  std::vector<StreamKey> damage_count_keys_;  // class-major, then peril
  std::vector<StreamKey> damage_event_keys_;
  std::vector<DealKeys> deal_keys_;
  int ams_input_ = 0;
  int deal_input_ = 0;
  std::vector<StreamKey> severity_keys_;  // per peril: its severity parameters' key
  int severity_input_ = -1;  // the first drawn severity parameter's input; -1: none uncertain
  std::size_t horizon_ = 0;
  std::size_t scratch_size_ = 0;
  static constexpr StreamKey kDetectionKey = kRoot.with("asset_management").with("detection_rate");
  static constexpr StreamKey kReductionKey =
      kRoot.with("asset_management").with("operating_cost_reduction");
  static constexpr StreamKey kCollectionKey =
      kRoot.with("asset_management").with("lease_collection_gain");
  static constexpr StreamKey kTransactionKey =
      kRoot.with("disposition").with("transaction_cost_share");
  static constexpr StreamKey kFrequencyKey = kRoot.with("damage").with("frequency_factor");
  static constexpr StreamKey kTakeUpKey =
      kRoot.with("disposition").with("surplus_land_act").with("take_up_share");
  static constexpr StreamKey kSlaDiscountKey =
      kRoot.with("disposition").with("surplus_land_act").with("discount");
};

void RealEstateModel::simulate(const sim::PathContext& ctx, const sim::PathOutput& out) const {
  if (static_cast<std::size_t>(ctx.horizon()) > horizon_)
    throw sim::RunError("real_estate: built for a shorter horizon than the run's");
  PathState st = draw_parameters(ctx, out);
  simulate_market(ctx, st);
  sell_surplus(ctx, st, out);
  hold_and_damage(ctx, st, out);
  add_partnerships(ctx, st, out);
  add_program_and_net(ctx, st, out);
}

RealEstateModel::PathState RealEstateModel::path_state(const sim::PathContext& ctx) const {
  PathState st;
  st.n_classes = spec_.classes.size();
  st.horizon = horizon_;
  st.year_arrays = ctx.scratch().data();
  st.scalars = st.year_arrays + kYearArrays * st.n_classes * horizon_;
  st.deal_state = st.scalars + kScalars * st.n_classes;
  st.deal_money = st.deal_state + 2 * spec_.partnerships.deals.size();
  return st;
}

RealEstateModel::PathState RealEstateModel::draw_parameters(const sim::PathContext& ctx,
                                                            const sim::PathOutput& out) const {
  PathState st = path_state(ctx);
  const std::size_t n_classes = spec_.classes.size();
  const auto& ams = spec_.asset_management;
  const auto& disp = spec_.disposition;
  const auto& ppp = spec_.partnerships;
  st.ams_real = ctx.reform(kAssetManagementReform);
  st.disposition_real = ctx.reform(kDispositionReform);
  st.partnerships_real = ctx.reform(kPartnershipsReform);
  st.ams_on = ams.enabled && st.ams_real.delivers;
  st.ams_effective_year = ams.effective_year() + st.ams_real.delay_years;
  st.detection = ams.enabled ? draw(ams.detection_rate, ctx, kDetectionKey) : 0.0;
  st.reduction = ams.enabled ? draw(ams.operating_cost_reduction, ctx, kReductionKey) : 0.0;
  st.collection_gain = ams.enabled ? draw(ams.lease_collection_gain, ctx, kCollectionKey) : 0.0;
  st.transaction_cost = draw(disp.transaction_cost_share, ctx, kTransactionKey);
  st.frequency_factor = draw(spec_.damage.frequency_factor, ctx, kFrequencyKey);
  out.set_input(ams_input_, st.detection);
  out.set_input(ams_input_ + 1, st.reduction);
  out.set_input(ams_input_ + 2, st.collection_gain);
  out.set_input(ams_input_ + 3, st.transaction_cost);
  out.set_input(ams_input_ + 4, st.frequency_factor);
  const auto& sla = disp.surplus_land_act;
  st.take_up_share = sla.enabled ? draw(sla.take_up_share, ctx, kTakeUpKey) : 0.0;
  st.sla_discount = sla.enabled ? draw(sla.discount, ctx, kSlaDiscountKey) : 0.0;
  out.set_input(ams_input_ + 5, st.take_up_share);
  out.set_input(ams_input_ + 6, st.sla_discount);

  for (std::size_t c = 0; c < n_classes; ++c) {
    const auto& cls = spec_.classes[c];
    const auto& k = keys_[c];
    st.scalar(kSigma, c) = draw(cls.market.volatility, ctx, k.volatility);
    st.scalar(kMu, c) =
        cls.market.log_drift(draw(cls.market.drift, ctx, k.drift), st.scalar(kSigma, c));
    st.scalar(kCostRate, c) = draw(cls.operating_cost_rate, ctx, k.cost_rate);
    const double surplus_share = draw(cls.surplus_share, ctx, k.surplus);
    const int s = std::clamp(round_count(surplus_share * cls.parcels), 0, cls.parcels);
    st.scalar(kS, c) = s;
    st.scalar(kF, c) = round_count(st.detection * (1.0 - cls.occupancy) * (cls.parcels - s));
    st.scalar(kU, c) = round_count(st.detection * cls.unrecorded_share * cls.parcels);
    st.scalar(kNextFound, c) = s;
    const int base = static_cast<int>(4 * c);
    out.set_input(base, st.scalar(kMu, c));
    out.set_input(base + 1, st.scalar(kSigma, c));
    out.set_input(base + 2, st.scalar(kCostRate, c));
    out.set_input(base + 3, surplus_share);
  }

  for (std::size_t d = 0; d < ppp.deals.size(); ++d) {
    const auto& deal = ppp.deals[d];
    double closes = 0.0, delay = 0.0, upfront = 0.0, ground_lease = 0.0;
    if (ppp.enabled) {
      // A programme that fails closes no deal and reserves no site; a late one closes its deals
      // that many years late. The draws are made either way (common random numbers).
      const bool programme = st.partnerships_real.delivers;
      closes = ctx.input_uniform(deal_keys_[d].closes) < deal.probability && programme ? 1.0 : 0.0;
      delay = draw(deal.delay_years, ctx, deal_keys_[d].delay);
      upfront = draw(deal.upfront_payment_usd, ctx, deal_keys_[d].upfront);
      ground_lease = draw(deal.ground_lease_usd, ctx, deal_keys_[d].ground_lease);
      const auto c = static_cast<std::size_t>(deal.class_index);
      if (programme)
        st.scalar(kReserved, c) =
            std::min(st.scalar(kReserved, c) + deal.parcels, st.scalar(kS, c));
    }
    st.deal_state[2 * d] = closes;
    st.deal_state[2 * d + 1] =
        deal.start_year_offset + std::floor(delay) + st.partnerships_real.delay_years;
    st.deal_money[2 * d] = upfront;
    st.deal_money[2 * d + 1] = ground_lease;
    out.set_input(deal_input_ + static_cast<int>(4 * d), closes);
    out.set_input(deal_input_ + static_cast<int>(4 * d + 1), delay);
    out.set_input(deal_input_ + static_cast<int>(4 * d + 2), upfront);
    out.set_input(deal_input_ + static_cast<int>(4 * d + 3), ground_lease);
  }
  return st;
}

void RealEstateModel::simulate_market(const sim::PathContext& ctx, PathState& st) const {
  const int horizon = ctx.horizon();
  const std::size_t n_classes = spec_.classes.size();
  for (std::size_t c = 0; c < n_classes; ++c) {
    const auto& market = spec_.classes[c].market;
    const double mu = st.scalar(kMu, c);
    const double sigma = st.scalar(kSigma, c);
    double* log_index = st.year_array(kLogIndex, c);
    double level = 0.0;
    for (int y = 0; y < horizon; ++y) {
      double r = mu;
      for (const auto& [f, beta] : market.loadings) r += beta * ctx.factor(f, y);
      if (sigma > 0.0) {
        sim::Stream s = ctx.stream(keys_[c].market.with(static_cast<std::uint64_t>(y)));
        r += sigma * sim::sample_normal(s);
      }
      level += r;
      log_index[y] = level;
    }
  }
}

void RealEstateModel::sell_surplus(const sim::PathContext& ctx, PathState& st,
                                   const sim::PathOutput& out) const {
  const int horizon = ctx.horizon();
  const auto& disp = spec_.disposition;
  double* proceeds = out.metric(kProceeds);
  double* sold_value = out.metric(kSoldValue);
  double* parcels_sold = out.metric(kParcelsSold);
  double* sla_discount = out.metric(kSlaDiscount);
  const auto& sla = disp.surplus_land_act;
  const double notice_years = sla.notice_days / 365.25;
  const double negotiated_years = (sla.notice_days + sla.negotiation_days) / 365.25;
  SaleDraws d;  // a year's sales' draws (on the stack: no allocation)
  for (int y = 0; y < horizon; ++y) {
    const int capacity = disp.capacity(y, st.disposition_real);
    if (capacity <= 0) continue;
    const bool found_listable = st.ams_on && y >= st.ams_effective_year;
    int total = 0;
    for (int ci : spec_.disposition_order) {
      const auto c = static_cast<std::size_t>(ci);
      const double base_left = st.scalar(kS, c) - st.scalar(kReserved, c) - st.scalar(kNextBase, c);
      const double found_left = found_listable ? st.scalar(kS, c) + st.scalar(kF, c) +
                                                     st.scalar(kU, c) - st.scalar(kNextFound, c)
                                               : 0.0;
      const int take = std::min(capacity - total, static_cast<int>(base_left + found_left));
      st.scalar(kTake, c) = take;
      total += take;
    }
    if (total == 0) continue;
    // A sale closing in year `closing` (< horizon) at `value` a parcel: its books, in the
    // sales' order.
    auto book = [&](std::size_t c, double parcel, double closing, double value, double ratio,
                    double discount) {
      const int year = static_cast<int>(closing);
      const double part_held = closing - year;
      const double parcel_base = sale_parcel_base(c);
      const double got = value * ratio * (1.0 - discount) * (1.0 - st.transaction_cost);
      proceeds[year] += got;
      out.metric(by_class(3, c))[year] += got;
      sla_discount[year] += value * ratio * discount;
      sold_value[year] += value;
      parcels_sold[year] += 1.0;
      st.year_array(kCntEnd, c)[year] += 1.0;
      st.year_array(kCntAvg, c)[year] += 1.0 - part_held;
      // A found unrecorded parcel (after the surplus and the found under-used ones) has no
      // building and no lease.
      if (parcel >= st.scalar(kS, c) + st.scalar(kF, c)) {
        st.year_array(kUnrecEnd, c)[year] += parcel_base;
      } else {
        st.year_array(kRecEnd, c)[year] += parcel_base;
        st.year_array(kRecAvg, c)[year] += parcel_base * (1.0 - part_held);
      }
    };
    // When a sale listed at `listed` closes, its days on the market drawn; `take_up` the
    // Surplus Land Act's uniform (drawn only where the act applies).
    auto closing_of = [&](std::size_t c, double listed, double days, auto take_up,
                          double& discount) {
      double closing = listed + days / 365.25;
      discount = 0.0;
      if (sla.enabled && !spec_.classes[c].surplus_land_act_exempt) {
        // Offered first to priority entities: taken up, it closes when the negotiation ends,
        // at the discount; otherwise it goes to market once the notice period is over.
        if (take_up() < st.take_up_share) {
          closing = listed + negotiated_years;
          discount = st.sla_discount;
        } else {
          closing += notice_years;
        }
      }
      return closing;
    };
    // The year's sales in order: class, parcel and listing time (the parcel counters move as
    // one by one).
    auto each_sale = [&](auto f) {
      int slot = 0;
      for (int ci : spec_.disposition_order) {
        const auto c = static_cast<std::size_t>(ci);
        const int take = static_cast<int>(st.scalar(kTake, c));
        const double base_end = st.scalar(kS, c) - st.scalar(kReserved, c);
        for (int t = 0; t < take; ++t, ++slot) {
          double& next = st.scalar(kNextBase, c) < base_end ? st.scalar(kNextBase, c)
                                                            : st.scalar(kNextFound, c);
          const double parcel = next;
          next += 1.0;
          f(c, parcel, y + (slot + 0.5) / total);
        }
      }
    };
    if (!ctx.redirected() && static_cast<std::size_t>(total) <= sim::kPhiloxBatch) {
      // Every sale's draws at once (SaleDraws): the same values as its stream one by one.
      std::size_t n = 0;
      each_sale([&](std::size_t c, double parcel, double listed) {
        d.keys[n] = keys_[c].sale.with(static_cast<std::uint64_t>(parcel)).value();
        d.cls[n] = c;
        d.parcel[n] = parcel;
        d.listed[n] = listed;
        ++n;
      });
      d.draw(ctx, n, disp.time_to_sell_days, disp.price_ratio, sla.enabled);
      for (std::size_t i = 0; i < n; ++i) {
        const std::size_t c = d.cls[i];
        double discount = 0.0;
        const double closing = closing_of(
            c, d.listed[i], d.days[i], [&] { return d.u2[i]; }, discount);
        d.closes[i] = closing < horizon;
        d.closing[i] = closing;
        d.discount[i] = discount;
        d.arg[i] = 0.0;
        if (!d.closes[i]) continue;
        const int year = static_cast<int>(closing);
        const double* log_index = st.year_array(kLogIndex, c);
        const double before = year > 0 ? log_index[year - 1] : 0.0;
        d.arg[i] = before + (closing - year) * (log_index[year] - before);
      }
      sim::exps_portable(d.arg, n, d.z);
      for (std::size_t i = 0; i < n; ++i) {
        if (!d.closes[i]) continue;  // still on the market at the horizon
        book(d.cls[i], d.parcel[i], d.closing[i], sale_parcel_base(d.cls[i]) * d.z[i], d.ratio[i],
             d.discount[i]);
      }
      continue;
    }
    each_sale([&](std::size_t c, double parcel, double listed) {
      sim::Stream s = ctx.stream(keys_[c].sale.with(static_cast<std::uint64_t>(parcel)));
      const double days = disp.time_to_sell_days.quantile(s.uniform());
      const double ratio = disp.price_ratio.quantile(s.uniform());
      double discount = 0.0;
      const double closing = closing_of(
          c, listed, days, [&] { return s.uniform(); }, discount);
      if (!(closing < horizon)) return;  // still on the market at the horizon
      const int year = static_cast<int>(closing);
      const double part_held = closing - year;
      const double* log_index = st.year_array(kLogIndex, c);
      const double before = year > 0 ? log_index[year - 1] : 0.0;
      const double value =
          sale_parcel_base(c) * sim::exp_portable(before + part_held * (log_index[year] - before));
      book(c, parcel, closing, value, ratio, discount);
    });
  }
}

void RealEstateModel::hold_and_damage(const sim::PathContext& ctx, PathState& st,
                                      const sim::PathOutput& out) const {
  const int horizon = ctx.horizon();
  const std::size_t n_classes = spec_.classes.size();
  const std::size_t n_perils = spec_.damage.perils.size();
  const auto& ppp = spec_.partnerships;
  double* value = out.metric(kMarketValue);
  double* operating = out.metric(kOperatingCost);
  double* lease = out.metric(kLeaseIncome);
  double* damage = out.metric(kDamage);
  double* events = out.metric(kDamageEvents);
  // Where a peril's severity parameters are uncertain, this path's severities, drawn once, here
  // (one allocation a path, only in a scenario that uses it).
  std::vector<sim::SplicedSeverity> path_severities;
  if (severity_input_ >= 0) {
    path_severities.reserve(n_perils);
    int input = severity_input_;
    for (std::size_t p = 0; p < n_perils; ++p) {
      const sim::SplicedSeverity& sev = spec_.damage.perils[p].severity;
      double theta[sim::kMaxUncertainParameters];
      const std::size_t n = sev.body_uncertainty.n;
      path_severities.push_back(n ? sev.drawn(ctx, severity_keys_[p], theta) : sev);
      for (std::size_t i = 0; i < n; ++i) out.set_input(input++, theta[i]);
    }
  }
  DamageEvents pending;
  for (std::size_t c = 0; c < n_classes; ++c) {
    const auto& cls = spec_.classes[c];
    const double parcel_base = cls.surplus_value_factor * cls.market_value_usd / cls.parcels;
    const double* log_index = st.year_array(kLogIndex, c);
    double* class_value = out.metric(by_class(0, c));
    double* class_operating = out.metric(by_class(1, c));
    double* class_lease = out.metric(by_class(2, c));
    double* class_damage = out.metric(by_class(4, c));
    double recorded = cls.market_value_usd;
    double unrecorded = 0.0;
    double count = cls.parcels;
    for (int y = 0; y < horizon; ++y) {
      const auto yi = static_cast<std::size_t>(y);
      const bool effective = st.ams_on && y >= st.ams_effective_year;
      if (st.ams_on && y == st.ams_effective_year) {
        unrecorded += st.scalar(kU, c) * parcel_base;
        count += st.scalar(kU, c);
      }
      double site_base = 0.0, site_count = 0.0;  // handed to developers before this year
      for (std::size_t d = 0; d < ppp.deals.size(); ++d) {
        const auto& deal = ppp.deals[d];
        if (st.deal_state[2 * d] > 0.0 && deal.class_index == static_cast<int>(c) &&
            st.deal_state[2 * d + 1] < y) {
          site_base += deal.parcels * parcel_base;
          site_count += deal.parcels;
        }
      }
      const double held_share =
          std::max(recorded - st.year_array(kRecAvg, c)[yi] - site_base, 0.0) /
          cls.market_value_usd;
      const double held_count = std::max(count - st.year_array(kCntAvg, c)[yi] - site_count, 0.0);
      const double saving = effective ? st.reduction : 0.0;
      const double operating_c =
          (1.0 - saving) * (st.scalar(kCostRate, c) * cls.replacement_value_usd * held_share +
                            cls.operating_cost_per_parcel_usd * held_count);
      operating[y] += operating_c;
      class_operating[y] = operating_c;
      const double gain = effective ? st.collection_gain : 0.0;
      const double lease_c = cls.lease_income_usd * held_share *
                             (cls.lease_collection_rate + gain * (1.0 - cls.lease_collection_rate));
      lease[y] += lease_c;
      class_lease[y] = lease_c;

      const double exposure_billion = cls.replacement_value_usd * held_share * 1e-9;
      for (std::size_t p = 0; p < n_perils; ++p) {
        const auto& peril = spec_.damage.perils[p];
        const double mean = peril.events_per_billion_usd * st.frequency_factor * exposure_billion;
        if (!(mean > 0.0)) continue;
        const std::size_t kp = c * n_perils + p;
        sim::Stream cs = ctx.stream(damage_count_keys_[kp].with(static_cast<std::uint64_t>(y)));
        const std::int64_t n =
            sim::checked_count(peril.count.quantile(mean, cs.uniform()), "damage events");
        // Event i's loss from the first uniform of its stream, key year_key.with(i).
        const StreamKey year_key = damage_event_keys_[kp].with(static_cast<std::uint64_t>(y));
        pending.add(ctx, year_key, n, path_severities.empty() ? peril.severity : path_severities[p],
                    &damage[y], &class_damage[y]);
        events[y] += static_cast<double>(n);
      }

      recorded -= st.year_array(kRecEnd, c)[yi];
      unrecorded -= st.year_array(kUnrecEnd, c)[yi];
      count -= st.year_array(kCntEnd, c)[yi];
      const double value_c = (recorded + unrecorded) * sim::exp_portable(log_index[y]);
      value[y] += value_c;
      class_value[y] = value_c;
    }
  }
  pending.flush(ctx);  // the last events' losses, before anything reads the sums
}

void RealEstateModel::add_partnerships(const sim::PathContext& ctx, const PathState& st,
                                       const sim::PathOutput& out) const {
  const int horizon = ctx.horizon();
  const auto& ppp = spec_.partnerships;
  double* partnership = out.metric(kPartnershipIncome);
  double* housing = out.metric(kHousingUnits);
  for (std::size_t d = 0; d < ppp.deals.size(); ++d) {
    if (!(st.deal_state[2 * d] > 0.0)) continue;
    const auto& deal = ppp.deals[d];
    const int closing = static_cast<int>(st.deal_state[2 * d + 1]);
    if (closing < horizon) partnership[closing] += st.deal_money[2 * d];
    for (int y = closing + 1; y < horizon; ++y) partnership[y] += st.deal_money[2 * d + 1];
    const int delivered = closing + deal.construction_years;
    if (delivered < horizon) housing[delivered] += deal.housing_units;
  }
}

void RealEstateModel::add_program_and_net(const sim::PathContext& ctx, const PathState& st,
                                          const sim::PathOutput& out) const {
  const int horizon = ctx.horizon();
  const auto& ams = spec_.asset_management;
  const auto& disp = spec_.disposition;
  const auto& ppp = spec_.partnerships;
  const int effective_year = ams.effective_year();
  const double* lease = out.metric(kLeaseIncome);
  const double* proceeds = out.metric(kProceeds);
  const double* partnership = out.metric(kPartnershipIncome);
  const double* operating = out.metric(kOperatingCost);
  const double* damage = out.metric(kDamage);
  double* program = out.metric(kProgramCost);
  double* net = out.metric(kNetCashFlow);
  const int impl_years = std::max(ams.implementation_years, 1);
  double npv = 0.0;
  for (int y = 0; y < horizon; ++y) {
    const auto yi = static_cast<std::size_t>(y);
    // Costs as planned, times the overrun, until a failed programme is wound down.
    if (ams.enabled) {
      const double share = st.ams_real.cost_share(y, ams.start_year_offset);
      if (y >= ams.start_year_offset && y < ams.start_year_offset + impl_years)
        program[y] += ams.implementation_cost_usd / impl_years * share;
      if (y >= effective_year) program[y] += ams.annual_cost_usd * share;
    }
    program[y] += disp.program_cost_by_year[yi] * st.disposition_real.cost_share(y, 0);
    if (ppp.enabled) program[y] += ppp.program_cost_usd * st.partnerships_real.cost_share(y, 0);
    net[y] = lease[y] + proceeds[y] + partnership[y] - operating[y] - damage[y] - program[y];
    npv += net[y] * std::pow(1.0 + ctx.discount_rate(), -(static_cast<double>(y) + 0.5));
  }
  out.metric(kNpv)[0] = npv;
  // What the city holds at the horizon counts too: a sale moves value into cash (sim/economic.hpp).
  const double held_at_end = horizon > 0 ? out.metric(kMarketValue)[horizon - 1] : 0.0;
  out.metric(kEconomicValue)[0] =
      npv + held_at_end * std::pow(1.0 + ctx.discount_rate(), -static_cast<double>(horizon));
}

}  // namespace

std::unique_ptr<sim::Model> make_real_estate_model(sim::MapReader& section,
                                                   const sim::ModelEnv& env) {
  real_estate::Params spec = real_estate::read_params(section, env);
  sim::check_events_per_path_year(section, "damage", busiest_damage_events(spec), "damage events");
  sim::check_events_per_path_year(section, "disposition", busiest_sales(spec), "parcel sales");
  return std::make_unique<RealEstateModel>(std::move(spec));
}

}  // namespace reformsim::models
