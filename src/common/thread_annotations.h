// Clang thread-safety annotations (no-ops under other compilers) and the annotated mutex
// every module uses, so that `clang -Wthread-safety` (ctest: lint/thread-safety) proves
// that GUARDED_BY members are only touched with their mutex held.
#ifndef SPROCKET_COMMON_THREAD_ANNOTATIONS_H_
#define SPROCKET_COMMON_THREAD_ANNOTATIONS_H_

#include <mutex>

#if defined(__clang__)
#define SPROCKET_THREAD_ANNOTATION_(x) __attribute__((x))
#else
#define SPROCKET_THREAD_ANNOTATION_(x)
#endif

#define CAPABILITY(x) SPROCKET_THREAD_ANNOTATION_(capability(x))
#define SCOPED_CAPABILITY SPROCKET_THREAD_ANNOTATION_(scoped_lockable)
#define GUARDED_BY(x) SPROCKET_THREAD_ANNOTATION_(guarded_by(x))
#define PT_GUARDED_BY(x) SPROCKET_THREAD_ANNOTATION_(pt_guarded_by(x))
#define REQUIRES(...) SPROCKET_THREAD_ANNOTATION_(requires_capability(__VA_ARGS__))
#define EXCLUDES(...) SPROCKET_THREAD_ANNOTATION_(locks_excluded(__VA_ARGS__))
#define ACQUIRE(...) SPROCKET_THREAD_ANNOTATION_(acquire_capability(__VA_ARGS__))
#define RELEASE(...) SPROCKET_THREAD_ANNOTATION_(release_capability(__VA_ARGS__))
#define NO_THREAD_SAFETY_ANALYSIS SPROCKET_THREAD_ANNOTATION_(no_thread_safety_analysis)

namespace sprocket {

// A std::mutex the analysis knows. BasicLockable (lock/unlock), so that
// std::condition_variable_any can wait on it.
class CAPABILITY("mutex") Mutex {
 public:
  void lock() ACQUIRE() { mutex_.lock(); }
  void unlock() RELEASE() { mutex_.unlock(); }

 private:
  std::mutex mutex_;
};

// Holds a Mutex for its lifetime (std::lock_guard, annotated).
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mutex) ACQUIRE(mutex) : mutex_(mutex) { mutex_.lock(); }
  ~MutexLock() RELEASE() { mutex_.unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex& mutex_;
};

}  // namespace sprocket

#endif  // SPROCKET_COMMON_THREAD_ANNOTATIONS_H_
