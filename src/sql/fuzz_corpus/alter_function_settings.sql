ALTER FUNCTION f SET max_memory_bytes = 1048576, max_cpu_time_ms TO 50, max_instructions = 0x10, hot_reload = true, jit_level = 'low_latency', x = -9223372036854775808;
