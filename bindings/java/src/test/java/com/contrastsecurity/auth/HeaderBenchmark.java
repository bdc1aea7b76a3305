package com.contrastsecurity.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/** JMH: both header values through the API vs building them in pure Java per call. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HeaderBenchmark {
    String user = "agent_0f3c9a1e@ExampleOrg";
    String serviceKey = "SVCKEY4Q7Z2M9X1B";
    String apiKey = "APIKEYd8f2a61c0e9b47";
    ContrastAuth auth;

    @Setup(Level.Trial)
    public void setUp() throws ContrastAuthException {
        auth = ContrastAuth.fromCredentials(TestSupport.URL, user, serviceKey, apiKey);
        String expected = Base64.getEncoder().encodeToString((user + ":" + serviceKey).getBytes(StandardCharsets.UTF_8));
        if (!auth.authorizationHeader().equals(expected) || !auth.apiKeyHeader().equals(apiKey)) {
            throw new IllegalStateException("the two ways disagree");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        auth.close();
    }

    /** Both values through the API (the cached snapshot pair). */
    @Benchmark
    public void api(Blackhole bh) {
        bh.consume(auth.authorizationHeader());
        bh.consume(auth.apiKeyHeader());
    }

    /** Both values built in Java: java.util.Base64 of user:service_key per call. */
    @Benchmark
    public void pureJavaBase64(Blackhole bh) {
        bh.consume(Base64.getEncoder().encodeToString((user + ":" + serviceKey).getBytes(StandardCharsets.UTF_8)));
        bh.consume(apiKey);
    }
}
