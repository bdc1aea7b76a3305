//! The JNI exports for the JVM agent (issue #6).
