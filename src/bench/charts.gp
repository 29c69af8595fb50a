# Charts of one benchmark run (src/bench/run.sh with BENCH_CHARTS=1): SVG files beside the CSV
# files they are drawn from. Called with: gnuplot -e "kind='sqlite'; dir='src/bench/results'" charts.gp
set datafile separator ','
set terminal svg size 760,420 dynamic font 'sans,11' background rgb 'white'
set key outside right top
set grid ytics
set logscale x 2
set xtics (1, 16, 64)
set xlabel 'connections'

results = sprintf('%s/%s-results.csv', dir, kind)
if (system(sprintf('test -s %s && echo yes', results)) eq "yes\n" || system(sprintf('test -s %s && echo yes', results)) eq 'yes') {
    servers = system(sprintf("cut -d, -f2 %s | sort -u | tr '\\n' ' '", results))
    scenarios = "GET_/ 90/10 /record"
    set output sprintf('%s/%s-throughput.svg', dir, kind)
    set title sprintf('%s: requests per second', kind)
    set ylabel 'req/s'
    set logscale y 10
    plot for [server in servers] for [scenario in scenarios] results \
        using 4:((strcol(2) eq server && strcol(3) eq (scenario eq 'GET_/' ? 'GET /' : scenario)) ? $5 : NaN) \
        with linespoints title sprintf('%s %s', server, scenario eq 'GET_/' ? 'GET /' : scenario)
    set output sprintf('%s/%s-p99.svg', dir, kind)
    set title sprintf('%s: p99 latency', kind)
    set ylabel 'p99 (ms)'
    replot
}

ramp = sprintf('%s/%s-ramp.csv', dir, kind)
if (system(sprintf('test -s %s && echo yes', ramp)) ne '') {
    unset logscale x
    unset logscale y
    set xtics 1
    set xlabel 'second after ready (1-5: GET /, 6-10: /record, 64 connections)'
    variants = "plain_JVM AOT_cache AOT_cache_+_warm-up"
    set output sprintf('%s/%s-cold-start-throughput.svg', dir, kind)
    set title 'cold start: requests per second, second by second'
    set ylabel 'req/s'
    plot for [variant in variants] ramp using 2:((strcol(1) eq system(sprintf("echo '%s' | tr _ ' '", variant))) ? $3 : NaN) \
        with linespoints title system(sprintf("echo -n '%s' | tr _ ' '", variant))
    set output sprintf('%s/%s-cold-start-p99.svg', dir, kind)
    set title 'cold start: p99 latency, second by second'
    set ylabel 'p99 (ms)'
    set logscale y 10
    plot for [variant in variants] ramp using 2:((strcol(1) eq system(sprintf("echo -n '%s' | tr _ ' '", variant))) ? $4 : NaN) \
        with linespoints title system(sprintf("echo -n '%s' | tr _ ' '", variant))
}
