/** JMH benchmarks for the decoders and the capture analyser, plus the synthetic capture generator. */
package io.rdpprobe.bench;
