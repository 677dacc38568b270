#include "sim/engine.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstring>

#include "sim/aggregates.hpp"
#include "sim/economic.hpp"
#include "sim/errors.hpp"
#include "sim/thread_arena.hpp"

namespace reformsim::sim {

int default_thread_count() {
  return tbb::info::default_concurrency();
}

struct Engine::BlockBuffers {
  std::vector<double> factors;  // horizon x factors
  std::vector<double> latent;
  std::vector<double*> rows;
  std::vector<double> discard;  // rows of metrics that are not kept
  std::vector<double> scratch;
  std::vector<double> inputs;
  std::vector<double> model_net;       // per option and model: its yearly General Fund net
  std::vector<double> model_net_all;   // per option and model: its yearly all-funds net
  std::vector<double> model_program;   // per option and model: its yearly programme cost
  std::vector<double> model_held;      // per option and model: its held assets' last-year value
  std::vector<ReformLatents> latents;  // per reform slot
  std::vector<ReformRealisation> realisations;  // per option, model, reform
  PathMemo memo;                                // cleared for every path
};

Engine::Engine(const Scenario& scenario, InputSampling inputs)
    : scenario_(scenario),
      economic_view_(scenario.settings.horizon_years, scenario.settings.discount_rate),
      sampler_(
          inputs == InputSampling::kMonteCarlo ? Sampling::kMonteCarlo : scenario.settings.sampling,
          scenario.settings.seed,
          scenario.settings.latin_hypercube_block > 0 ? scenario.settings.latin_hypercube_block
                                                      : scenario.settings.paths,
          scenario.sobol_inputs) {
  if (sampler_.method() != Sampling::kMonteCarlo) model_sampler_ = &sampler_;
  const auto& outputs = scenario.outputs;
  auto kept = [&](const std::string& key) {
    return outputs.empty() || std::find(outputs.begin(), outputs.end(), key) != outputs.end();
  };
  for (const auto& option : scenario.options) {
    if (option.models.size() != scenario.model_names.size())
      throw RunError("option '" + option.name + "' has a different set of models");
    auto& slots = metric_slot_.emplace_back();
    auto& terms = budget_terms_.emplace_back();
    auto& inputs = input_offset_.emplace_back();
    int next_metric = 0, next_input = 0;
    for (std::size_t m = 0; m < option.models.size(); ++m) {
      const Model& model = *option.models[m];
      auto& ms = slots.emplace_back();
      const std::vector<int> general_fund = general_fund_rows(model.metrics());
      for (const auto& info : model.metrics()) {
        // What summaries and comparisons show depends on these declarations: a model that
        // leaves one out, or contradicts itself, is a bug to stop at, not to guess around.
        std::string problem = metric_declaration_problem(info);
        if (problem.empty()) problem = breakdown_declaration_problem(info, model.metrics());
        if (!problem.empty())
          throw RunError("model '" + scenario.model_names[m] + "': metric '" + info.name + "' " +
                         problem);
        // A programme cost is money the city pays from its budget: anything else would put a
        // saving or an accrual into ROI's denominator.
        if (info.program_cost && (info.fiscal != Fiscal::kCost || !info.in_budget))
          throw RunError("model '" + scenario.model_names[m] + "': metric '" + info.name +
                         "' is marked a programme cost but is not a budget cost");
        // The roll-up counts a breakdown's parent (or its general_fund group), never both.
        if (!info.parent.empty() && info.in_budget)
          throw RunError("model '" + scenario.model_names[m] + "': metric '" + info.name +
                         "' is a breakdown of '" + info.parent + "' but is counted in the budget");
        ms.push_back(kept(scenario.model_names[m] + "." + info.name) ? next_metric++ : -1);
      }
      auto& model_terms = terms.emplace_back();
      for (std::size_t k = 0; k < model.metrics().size(); ++k) {
        const MetricInfo& info = model.metrics()[k];
        BudgetTerm t;
        t.metric = k;
        t.general_fund = general_fund[k];
        t.program_cost = info.program_cost && t.general_fund >= 0;
        t.in_budget = info.in_budget && info.fiscal != Fiscal::kNone;
        t.sign = info.fiscal == Fiscal::kBenefit ? 1.0 : -1.0;
        if (t.program_cost || t.in_budget) model_terms.push_back(t);
      }
      inputs.push_back(next_input);
      next_input += static_cast<int>(model.inputs().size());
      max_metrics_ = std::max(max_metrics_, model.metrics().size());
      max_scratch_ = std::max(max_scratch_, model.scratch_doubles());
      max_inputs_ = std::max(max_inputs_, model.inputs().size());
    }
    // The roll-up's metrics follow the models' (allocate()): programme cost, net budget flow
    // (General Fund), net budget flow (all funds), then the economic view where there is one.
    net_slot_.push_back(static_cast<std::size_t>(next_metric) + 1);
    implementation_input_.push_back(static_cast<std::size_t>(next_input));
  }
  // Reforms: one slot per (model, reform name), shared by every option that knows the reform.
  for (std::size_t o = 0; o < scenario.options.size(); ++o) {
    const auto& option = scenario.options[o];
    auto& slot_of = reform_slot_of_.emplace_back();
    auto& offsets = realisation_offset_.emplace_back();
    auto& enabled = enabled_reforms_.emplace_back();
    for (std::size_t m = 0; m < option.models.size(); ++m) {
      auto& slots = slot_of.emplace_back();
      offsets.push_back(n_realisations_);
      const auto& reforms = option.models[m]->reforms();
      n_realisations_ += reforms.size();
      for (std::size_t i = 0; i < reforms.size(); ++i) {
        const ReformInfo& info = reforms[i];
        auto it = std::find_if(reform_slots_.begin(), reform_slots_.end(),
                               [&](const auto& s) { return s.model == m && s.name == info.name; });
        if (it == reform_slots_.end()) {
          reform_slots_.push_back(
              {m, info.name, reform_stream_key(scenario.model_names[m], info.name), false});
          it = reform_slots_.end() - 1;
        }
        if (std::any_of(slots.begin(), slots.end(), [&](int s) {
              return reform_slots_[static_cast<std::size_t>(s)].name == info.name;
            }))
          throw RunError("model '" + scenario.model_names[m] + "' declares reform '" + info.name +
                         "' twice");
        slots.push_back(static_cast<int>(it - reform_slots_.begin()));
        // Drawn only where an option runs the reform with an uncertain spec: an option that does
        // not run it is given the reform as planned (simulate_path), so no result reads the
        // draws of a reform no option runs, and skipping them moves no other draw (each stream
        // is addressed by its key).
        if (info.enabled && !info.spec.certain()) it->uncertain = any_uncertain_reform_ = true;
        if (info.enabled) enabled.emplace_back(m, i);
      }
    }
  }
  economic_ = has_economic_view(scenario);
  // A model whose section is the same in an earlier option gives the same numbers there: copy
  // them instead of simulating again (bit-identical, and much faster for option sets that vary
  // one area at a time).
  for (std::size_t o = 0; o < scenario.options.size(); ++o) {
    auto& same = same_as_.emplace_back(scenario.model_names.size(), -1);
    const auto& fp = scenario.options[o].model_fingerprints;
    if (fp.size() != scenario.model_names.size()) continue;
    for (std::size_t m = 0; m < fp.size(); ++m) {
      for (std::size_t e = 0; e < o && same[m] < 0; ++e) {
        const auto& earlier = scenario.options[e].model_fingerprints;
        if (earlier.size() == fp.size() && earlier[m] == fp[m]) same[m] = static_cast<int>(e);
      }
    }
  }
}

namespace {

// Refuses a run that would give two paths the same streams (kMaxPaths).
void check_path_count(std::uint64_t paths, const char* what) {
  if (paths <= kMaxPaths) return;
  throw InputError(std::string(what) + " " + std::to_string(paths) +
                   " paths: the engine runs at most 2^32 (4294967296) paths, since a path's "
                   "index is one 32-bit word of its random streams' counter");
}

}  // namespace

Results Engine::allocate(std::uint64_t paths) const {
  check_path_count(paths, "allocating results for");
  const auto& sc = scenario_;
  const std::size_t h = static_cast<std::size_t>(sc.settings.horizon_years);
  Results r;
  r.settings = sc.settings;
  r.paths = paths;
  r.factor_names = sc.factors.names();
  r.baseline = sc.baseline;
  for (std::size_t o = 0; o < sc.options.size(); ++o) {
    const auto& option = sc.options[o];
    OptionResults& out = r.options.emplace_back();
    out.name = option.name;
    out.description = option.description;
    for (std::size_t m = 0; m < option.models.size(); ++m) {
      const auto& metrics = option.models[m]->metrics();
      for (std::size_t k = 0; k < metrics.size(); ++k) {
        if (metric_slot_[o][m][k] < 0) continue;
        out.metrics.push_back({sc.model_names[m], metrics[k], std::vector<double>(paths * h)});
      }
      for (const auto& info : option.models[m]->inputs())
        out.inputs.push_back({sc.model_names[m], info, PathVector<double>(paths)});
    }
    // The option's implementation record, after the models' inputs (Engine::simulate_path).
    for (const auto& [m, i] : enabled_reforms_[o]) {
      const std::string reform = sc.model_names[m] + "." + option.models[m]->reforms()[i].name;
      out.inputs.push_back({kImplementationModel,
                            {reform + ".delivers", "1 when the reform delivered its effect"},
                            PathVector<double>(paths)});
      out.inputs.push_back({kImplementationModel,
                            {reform + ".delay_years", "whole years the reform went live late"},
                            PathVector<double>(paths)});
      out.inputs.push_back(
          {kImplementationModel,
           {reform + ".cost_overrun", "multiplier on the reform's planned programme cost"},
           PathVector<double>(paths)});
    }
    out.metrics.push_back({kFiscalModel,
                           {kProgramCostMetric, "USD",
                            "reform programme cost, General Fund part, all models (already in "
                            "net_budget_usd)",
                            Fiscal::kNone, false, Kind::kFlow, Better::kLower},
                           std::vector<double>(paths * h)});
    out.metrics.push_back(
        {kFiscalModel,
         {kNetBudgetMetric, "USD",
          "net budget flow of the General Fund: benefits and savings minus costs, all models "
          "(the headline)",
          Fiscal::kNone, false, Kind::kFlow, Better::kHigher},
         std::vector<double>(paths * h)});
    out.metrics.push_back(
        {kFiscalModel,
         {kNetBudgetAllFundsMetric, "USD",
          "net budget flow of all funds (General Fund, special and proprietary): benefits and "
          "savings minus costs, all models",
          Fiscal::kNone, false, Kind::kFlow, Better::kHigher},
         std::vector<double>(paths * h)});
    if (economic_)
      out.metrics.push_back({kFiscalModel, economic_value_info(), std::vector<double>(paths * h)});
  }
  return r;
}

std::size_t Engine::bytes_per_path() const {
  std::size_t n = 0;
  const std::size_t h = static_cast<std::size_t>(scenario_.settings.horizon_years);
  for (std::size_t o = 0; o < scenario_.options.size(); ++o) {
    for (std::size_t m = 0; m < scenario_.options[o].models.size(); ++m) {
      for (int slot : metric_slot_[o][m]) n += slot >= 0 ? h : 0;
      n += scenario_.options[o].models[m]->inputs().size();
    }
    // fiscal roll-ups (programme cost, net, net of all funds, economic view), implementation
    // record
    n += (economic_ ? 4 : 3) * h + 3 * enabled_reforms_[o].size();
  }
  return n * sizeof(double);
}

Engine::BlockBuffers Engine::make_block_buffers() const {
  const std::size_t h = static_cast<std::size_t>(scenario_.settings.horizon_years);
  const std::size_t nf = scenario_.factors.size();
  BlockBuffers buf;
  buf.factors.resize(std::max<std::size_t>(1, h * nf));
  buf.latent.resize(std::max<std::size_t>(1, 2 * nf));
  buf.rows.resize(std::max<std::size_t>(1, max_metrics_));
  buf.discard.resize(std::max<std::size_t>(1, max_metrics_ * h));
  buf.scratch.resize(max_scratch_);
  buf.inputs.resize(std::max<std::size_t>(1, max_inputs_));
  buf.model_net.resize(
      std::max<std::size_t>(1, scenario_.options.size() * scenario_.model_names.size() * h));
  buf.model_net_all.resize(buf.model_net.size());
  buf.model_program.resize(buf.model_net.size());
  buf.model_held.resize(
      std::max<std::size_t>(1, scenario_.options.size() * scenario_.model_names.size()));
  buf.latents.resize(std::max<std::size_t>(1, reform_slots_.size()));
  buf.realisations.resize(std::max<std::size_t>(1, n_realisations_));
  return buf;
}

std::size_t Engine::estimate_peak_bytes(std::uint64_t paths, int threads) const {
  const BlockBuffers b = make_block_buffers();
  const std::size_t buffers =
      (b.factors.size() + b.latent.size() + b.discard.size() + b.scratch.size() + b.inputs.size() +
       b.model_net.size() + b.model_net_all.size() + b.model_program.size() + b.model_held.size()) *
          sizeof(double) +
      b.rows.size() * sizeof(double*) + b.latents.size() * sizeof(ReformLatents) +
      b.realisations.size() * sizeof(ReformRealisation);
  const auto n_threads = static_cast<std::size_t>(threads > 0 ? threads : default_thread_count());
  return bytes_per_path() * static_cast<std::size_t>(paths) +
         n_threads * (buffers + b.memo.capacity() + kPerThreadOverheadBytes) + kFixedOverheadBytes;
}

void Engine::simulate_path(std::uint64_t row, const PathPlan& plan, Results& results,
                           BlockBuffers& buf) const {
  const auto& sc = scenario_;
  const int horizon = sc.settings.horizon_years;
  const std::size_t h = static_cast<std::size_t>(horizon);
  const std::size_t nf = sc.factors.size();
  const std::size_t n_models = sc.model_names.size();
  const std::uint64_t path = row - results.first_path;  // where this row's results go
  sc.factors.draw(sc.settings.seed, plan.alt_factors ? plan.alt_path : plan.path, horizon,
                  buf.factors.data(), buf.latent.data());
  buf.memo.clear();
  // The memo carries work from a path's option to its later ones: with one option nothing would
  // ever be read back, and keeping it cost the workforce model 13% of a one-option run.
  PathMemo* memo = sc.options.size() > 1 ? &buf.memo : nullptr;
  const StreamRedirect redirect{plan.alt_path, plan.alt_keys, nullptr};
  const StreamRedirect* redirected = plan.alt_keys.empty() ? nullptr : &redirect;
  // Implementation draws, before any option simulates: shared by every option (common random
  // numbers), only for the reforms some option runs with an uncertain spec, and none at all
  // when there are none (the results of a scenario without implementation risk stay those of an
  // engine without it).
  if (any_uncertain_reform_) {
    const std::uint64_t from = plan.alt_implementation ? plan.alt_path : plan.path;
    const double capacity = draw_execution_capacity(sampler_, from);
    for (std::size_t k = 0; k < reform_slots_.size(); ++k)
      if (reform_slots_[k].uncertain)
        buf.latents[k] = draw_reform_latents(sampler_, from, reform_slots_[k].key, capacity,
                                             sc.implementation.execution_correlation);
  }
  for (std::size_t o = 0; o < sc.options.size(); ++o) {
    const auto& option = sc.options[o];
    OptionResults& out = results.options[o];
    double* net = out.metrics[net_slot_[o]].values.data() + path * h;
    double* net_all = out.metrics[net_slot_[o] + 1].values.data() + path * h;
    double* program = out.metrics[net_slot_[o] - 1].values.data() + path * h;
    std::fill(net, net + h, 0.0);
    std::fill(net_all, net_all + h, 0.0);
    std::fill(program, program + h, 0.0);
    double held = 0.0;
    for (std::size_t m = 0; m < n_models; ++m) {
      const Model& model = *option.models[m];
      const auto& metrics = model.metrics();
      const auto& slots = metric_slot_[o][m];
      const std::size_t n_inputs = model.inputs().size();
      const std::size_t first_input = static_cast<std::size_t>(input_offset_[o][m]);
      double* model_net = buf.model_net.data() + (o * n_models + m) * h;
      double* model_net_all = buf.model_net_all.data() + (o * n_models + m) * h;
      double& model_held = buf.model_held[o * n_models + m];
      double* model_program = buf.model_program.data() + (o * n_models + m) * h;
      const auto& reforms = model.reforms();
      ReformRealisation* realised = buf.realisations.data() + realisation_offset_[o][m];
      if (const int src = same_as_[o][m]; src >= 0) {
        const auto s = static_cast<std::size_t>(src);
        const auto& src_slots = metric_slot_[s][m];
        for (std::size_t k = 0; k < metrics.size(); ++k) {
          if (slots[k] < 0) continue;
          const double* from =
              results.options[s].metrics[static_cast<std::size_t>(src_slots[k])].values.data() +
              path * h;
          std::copy(from, from + h,
                    out.metrics[static_cast<std::size_t>(slots[k])].values.data() + path * h);
        }
        const std::size_t src_first = static_cast<std::size_t>(input_offset_[s][m]);
        for (std::size_t i = 0; i < n_inputs; ++i)
          out.inputs[first_input + i].values[path] =
              results.options[s].inputs[src_first + i].values[path];
        const double* src_net = buf.model_net.data() + (s * n_models + m) * h;
        std::copy(src_net, src_net + h, model_net);
        const double* src_net_all = buf.model_net_all.data() + (s * n_models + m) * h;
        std::copy(src_net_all, src_net_all + h, model_net_all);
        model_held = buf.model_held[s * n_models + m];
        const double* src_program = buf.model_program.data() + (s * n_models + m) * h;
        std::copy(src_program, src_program + h, model_program);
        const ReformRealisation* src_realised = buf.realisations.data() + realisation_offset_[s][m];
        std::copy(src_realised, src_realised + reforms.size(), realised);
      } else {
        // A reform this option does not run is realised as planned (nothing drawn): the models
        // apply a realisation only to the reforms they run (Model::reforms()).
        for (std::size_t i = 0; i < reforms.size(); ++i)
          realised[i] =
              reforms[i].enabled
                  ? realise(reforms[i].spec,
                            buf.latents[static_cast<std::size_t>(reform_slot_of_[o][m][i])])
                  : as_planned(reforms[i].spec);
        for (std::size_t k = 0; k < metrics.size(); ++k) {
          double* row =
              slots[k] >= 0
                  ? out.metrics[static_cast<std::size_t>(slots[k])].values.data() + path * h
                  : buf.discard.data() + k * h;
          std::fill(row, row + h, 0.0);
          buf.rows[k] = row;
        }
        double* inputs = buf.inputs.data();
        std::fill(inputs, inputs + n_inputs, 0.0);
        std::fill_n(buf.scratch.begin(), model.scratch_doubles(), 0.0);
        PathContext ctx(sc.settings, plan.path, buf.factors.data(), nf,
                        std::span<double>(buf.scratch.data(), model.scratch_doubles()), memo,
                        std::span<const ReformRealisation>(realised, reforms.size()), redirected,
                        model_sampler_);
        model.simulate(ctx, PathOutput(buf.rows.data(), inputs));
        for (std::size_t i = 0; i < n_inputs; ++i)
          out.inputs[first_input + i].values[path] = inputs[i];
        std::fill(model_net, model_net + h, 0.0);
        std::fill(model_net_all, model_net_all + h, 0.0);
        std::fill(model_program, model_program + h, 0.0);
        // The metrics the roll-up reads, in the metrics' order (the others add nothing).
        for (const BudgetTerm& t : budget_terms_[o][m]) {
          const double* gf_row =
              t.general_fund >= 0 ? buf.rows[static_cast<std::size_t>(t.general_fund)] : nullptr;
          if (t.program_cost)
            for (std::size_t y = 0; y < h; ++y) model_program[y] += gf_row[y];
          if (!t.in_budget) continue;
          for (std::size_t y = 0; y < h; ++y) model_net_all[y] += t.sign * buf.rows[t.metric][y];
          if (gf_row)
            for (std::size_t y = 0; y < h; ++y) model_net[y] += t.sign * gf_row[y];
        }
        model_held = EconomicView::held_at_end(metrics, buf.rows.data(), h);
      }
      for (std::size_t y = 0; y < h; ++y) net[y] += model_net[y];
      for (std::size_t y = 0; y < h; ++y) net_all[y] += model_net_all[y];
      for (std::size_t y = 0; y < h; ++y) program[y] += model_program[y];
      held += model_held;
    }
    if (economic_) {
      double* economic = out.metrics[net_slot_[o] + 2].values.data() + path * h;
      std::fill(economic, economic + h, 0.0);
      economic[0] = economic_view_.value(net, held);
    }
    std::size_t in = implementation_input_[o];
    for (const auto& [m, i] : enabled_reforms_[o]) {
      const ReformRealisation& r = buf.realisations[realisation_offset_[o][m] + i];
      out.inputs[in++].values[path] = r.effect_share();
      out.inputs[in++].values[path] = static_cast<double>(r.delay_years);
      out.inputs[in++].values[path] = r.cost_multiplier;
    }
  }
}

void Engine::run_range(std::uint64_t begin, std::uint64_t end, Results& results,
                       const RunOptions& options) const {
  run_plan(begin, end, results, options, [](std::uint64_t row) { return PathPlan::own(row); });
}

void Engine::run_plan(std::uint64_t begin, std::uint64_t end, Results& results,
                      const RunOptions& options, const PathPlanner& plan) const {
  check_path_count(end, "running up to path");
  if (end > results.first_path + results.paths || (begin < end && begin < results.first_path))
    throw RunError("results are allocated for other paths than asked");
  if (begin >= end) return;
  const int threads = options.threads > 0 ? options.threads : default_thread_count();
  // Paths per task: at most options.block_size, and few enough that every thread gets at least
  // kTasksPerThread tasks, so that the threads finish together although paths differ in cost.
  constexpr std::uint64_t kTasksPerThread = 32;
  const std::uint64_t fair =
      (end - begin) / (static_cast<std::uint64_t>(threads) * kTasksPerThread);
  const std::size_t block = static_cast<std::size_t>(std::max<std::uint64_t>(
      1, std::min<std::uint64_t>(options.block_size, std::max<std::uint64_t>(1, fair))));
  const std::uint64_t n_blocks = (end - begin + block - 1) / block;

  // One set of buffers (and path memo) per worker thread, made once and reused by its tasks.
  tbb::enumerable_thread_specific<BlockBuffers> buffers([this] { return make_block_buffers(); });
  auto body = [&](const tbb::blocked_range<std::uint64_t>& range) {
    BlockBuffers& buf = buffers.local();
    for (std::uint64_t b = range.begin(); b != range.end(); ++b) {
      if (options.stop && options.stop->load(std::memory_order_relaxed)) return;
      const std::uint64_t first = begin + b * block;
      const std::uint64_t last = std::min<std::uint64_t>(end, first + block);
      for (std::uint64_t p = first; p < last; ++p) simulate_path(p, plan(p), results, buf);
      if (options.paths_done) options.paths_done->fetch_add(last - first);
    }
  };
  ThreadArena arena(threads);
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<std::uint64_t>(0, n_blocks, 1), body,
                      tbb::simple_partitioner());
  });
}

Results Engine::run(const RunOptions& options) const {
  Results r = allocate(scenario_.settings.paths);
  run_range(0, r.paths, r, options);
  return r;
}

}  // namespace reformsim::sim
