// Clang thread-safety annotations (no-ops under other compilers).
#ifndef SPROCKET_COMMON_THREAD_ANNOTATIONS_H_
#define SPROCKET_COMMON_THREAD_ANNOTATIONS_H_

#if defined(__clang__)
#define SPROCKET_THREAD_ANNOTATION_(x) __attribute__((x))
#else
#define SPROCKET_THREAD_ANNOTATION_(x)
#endif

#define GUARDED_BY(x) SPROCKET_THREAD_ANNOTATION_(guarded_by(x))
#define REQUIRES(...) SPROCKET_THREAD_ANNOTATION_(requires_capability(__VA_ARGS__))
#define EXCLUDES(...) SPROCKET_THREAD_ANNOTATION_(locks_excluded(__VA_ARGS__))

#endif  // SPROCKET_COMMON_THREAD_ANNOTATIONS_H_
