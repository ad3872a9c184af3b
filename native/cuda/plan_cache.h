// A bounded cache of plans (cuDNN descriptors and choices) keyed by problem: it keeps the
// kMaxPlans most recently used and destroys the least recently used one when full, so a program
// that sees ever new shapes (varying batch sizes, image sizes) does not grow without bound.
// Destroying a descriptor is safe while work that used it is still queued: descriptors are host
// objects whose contents cuDNN copies into each launch. Callers hold the GPU lock (no lock here).
#pragma once
#include <cstddef>
#include <list>
#include <string>
#include <unordered_map>
#include <utility>

namespace nc::cuda {

constexpr size_t kMaxPlans = 256;

template <typename Plan>
class PlanCache {
 public:
  // destroy releases a plan's descriptors; it must not throw (it runs during an insertion).
  explicit PlanCache(void (*destroy)(Plan&)) : destroy_(destroy) {}

  // The plan for key, made by make() when absent. The reference stays valid until kMaxPlans other
  // keys have been looked up.
  template <typename Make>
  Plan& Get(const std::string& key, Make make) {
    auto it = index_.find(key);
    if (it != index_.end()) {
      order_.splice(order_.begin(), order_, it->second);  // now the most recently used
      return it->second->second;
    }
    Plan plan = make();  // may throw: nothing is evicted or inserted then
    if (order_.size() >= kMaxPlans) {
      destroy_(order_.back().second);
      index_.erase(order_.back().first);
      order_.pop_back();
    }
    order_.emplace_front(key, std::move(plan));
    index_.emplace(key, order_.begin());
    return order_.front().second;
  }

  // Most recently used first.
  template <typename Visit>
  void ForEach(Visit visit) const {
    for (const auto& entry : order_) visit(entry.second);
  }

  size_t size() const { return order_.size(); }

 private:
  using Entry = std::pair<std::string, Plan>;
  void (*destroy_)(Plan&);
  std::list<Entry> order_;
  std::unordered_map<std::string, typename std::list<Entry>::iterator> index_;
};

}  // namespace nc::cuda
