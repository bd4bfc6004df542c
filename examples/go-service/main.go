// Command go-service is a small real Go service that exposes everything svctop reads, with the standard
// libraries: promhttp with the default Go and process collectors, an instrumented handler histogram, an
// in-flight gauge, a bounded worker pool with its gauges, the DBStats collector, net/http/pprof, zap's
// AtomicLevel at /log/level, liveness, readiness and a drain endpoint.
//
// Build (GOPATH mode, Debian packages only):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o go-service .
package main

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime/debug"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address (port 0 picks a free port)")
	load := flag.Int("load", 20, "requests per second the service sends to itself (0: none)")
	workers := flag.Int("workers", 8, "worker pool size (1 with a high -load saturates it)")
	leakRate := flag.Int("leak-rate", 0, "goroutines leaked per second at a third site, each holding -leak-bytes (a steady leak)")
	leakBytes := flag.Int("leak-bytes", 64<<10, "memory each steadily leaked goroutine holds")
	burn := flag.Int("burn", 0, "percent of one core spent in main.burnCPU (for CPU profiles)")
	retain := flag.Int("retain-kib", 0, "KiB per second kept for good in main.retainCache (memory that grows, for heap profiles)")
	churn := flag.Int("churn-kib", 0, "KiB per second allocated and dropped in main.churnBuffers (garbage the GC collects)")
	native := flag.Bool("native-histograms", false, "also keep the latency histogram as a native (sparse) histogram, for Prometheus's native-histograms feature")
	alsoListen := flag.Int("also-listen", 0, "further free ports on 127.0.0.1 serving the same endpoints, each printed as \"also listening on\" after the first (many scrape targets from one process, for benchmarks)")
	apiHandlers := flag.Int("api-handlers", 1, "API handlers the load is spread over (more than 1: /api/h2... answer 200, some 404 and 500, like a real API)")
	flag.Parse()

	// 1. Logging with a level that can be changed at run time: GET/PUT /log/level.
	level := zap.NewAtomicLevelAt(zap.InfoLevel)
	logger := zap.New(nil) // no output needed for the example; a real service builds its core with `level`
	_ = logger

	// 2. Metrics: the default registry already has the Go and process collectors.
	registry := prometheus.NewRegistry()
	registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	histogramOpts := prometheus.HistogramOpts{
		Name:    "http_request_duration_seconds",
		Help:    "A histogram of latencies for requests.",
		Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
	}
	if *native {
		// Classic buckets stay (the text format has only those); protobuf scrapes get the native ones too.
		histogramOpts.NativeHistogramBucketFactor = 1.1
	}
	duration := prometheus.NewHistogramVec(histogramOpts, []string{"code", "method", "handler"})
	inflight := prometheus.NewGauge(prometheus.GaugeOpts{Name: "http_requests_in_flight", Help: "Requests being served."})
	registry.MustRegister(duration, inflight)

	// 3. A bounded worker pool with its gauges.
	pool := newPool(*workers, 64, registry)

	// 4. A database handle with the DBStats collector (an in-process driver stands in for a real database).
	db, _ := sql.Open("svctop-example", "")
	db.SetMaxOpenConns(10)
	registry.MustRegister(collectors.NewDBStatsCollector(db, "orders"))

	// 5. The memory limit (GOMEMLIMIT), for services on client_golang versions that do not export it.
	limit := debug.SetMemoryLimit(-1)
	if limit != int64(^uint64(0)>>1) {
		registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "process_memory_limit_bytes", Help: "GOMEMLIMIT in bytes."}, func() float64 { return float64(limit) }))
	}

	var draining atomic.Bool
	// 6. Readiness and draining as gauges too, so a Prometheus server knows them without probing the service.
	flag01 := func(on bool) float64 {
		if on {
			return 1
		}
		return 0
	}
	registry.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "http_server_ready", Help: "1 when /readyz passes."},
			func() float64 { return flag01(!draining.Load()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "http_server_draining", Help: "1 while draining."},
			func() float64 { return flag01(draining.Load()) }))
	mux := http.NewServeMux()
	instrument := func(handler string, h http.HandlerFunc) http.Handler {
		observer := duration.MustCurryWith(prometheus.Labels{"handler": handler})
		return promhttp.InstrumentHandlerInFlight(inflight, promhttp.InstrumentHandlerDuration(observer, h))
	}
	mux.Handle("/api/orders", instrument("/api/orders", func(w http.ResponseWriter, r *http.Request) {
		if draining.Load() {
			http.Error(w, "draining", http.StatusServiceUnavailable)
			return
		}
		if !pool.submit(func() { time.Sleep(time.Duration(2+rand.Intn(20)) * time.Millisecond) }) {
			http.Error(w, "queue full", http.StatusServiceUnavailable)
			return
		}
		conn, err := db.Conn(r.Context())
		if err == nil {
			time.Sleep(time.Duration(rand.Intn(5)) * time.Millisecond)
			conn.Close()
		}
		fmt.Fprintln(w, `{"orders":[]}`)
	}))
	// More handlers for a histogram shaped like a real API's (handler x code x method label sets).
	apiPaths := []string{"/api/orders"}
	for i := 2; i <= *apiHandlers; i++ {
		path := fmt.Sprintf("/api/h%d", i)
		apiPaths = append(apiPaths, path)
		mux.Handle(path, instrument(path, func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(time.Duration(rand.Intn(8)) * time.Millisecond)
			switch n := rand.Intn(100); {
			case n < 3:
				http.Error(w, "not found", http.StatusNotFound)
			case n < 5:
				http.Error(w, "internal error", http.StatusInternalServerError)
			default:
				fmt.Fprintln(w, `{}`)
			}
		}))
	}
	mux.Handle("/metrics", promhttp.HandlerFor(registry, promhttp.HandlerOpts{EnableOpenMetrics: true}))
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.Handle("/log/level", level) // zap's AtomicLevel is an http.Handler: GET and PUT {"level":"debug"}
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		if draining.Load() {
			http.Error(w, "draining", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/admin/drain", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, `{"error":"POST only"}`, http.StatusMethodNotAllowed)
			return
		}
		draining.Store(true)
		w.WriteHeader(http.StatusAccepted)
		json.NewEncoder(w).Encode(map[string]string{"status": "draining"})
	})
	mux.HandleFunc("/admin/undrain", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, `{"error":"POST only"}`, http.StatusMethodNotAllowed)
			return
		}
		draining.Store(false)
		json.NewEncoder(w).Encode(map[string]string{"status": "serving"})
	})
	// Test hook: leak n goroutines at one of two code sites (POST /debug/leak?site=a&n=1000).
	mux.HandleFunc("/debug/leak", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		site := r.URL.Query().Get("site")
		for i := 0; i < n; i++ {
			if site == "b" {
				go leakWaitingForReply(make(chan int))
			} else {
				go leakSubscriber(make(chan struct{}), make(chan int))
			}
		}
		fmt.Fprintf(w, "leaked %d at site %s\n", n, site)
	})

	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("listening on http://%s\n", listener.Addr())
	var extra []net.Listener
	for i := 0; i < *alsoListen; i++ {
		another, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("also listening on http://%s\n", another.Addr())
		extra = append(extra, another)
	}
	if *leakRate > 0 {
		go steadyLeak(*leakRate, *leakBytes)
	}
	if *burn > 0 {
		go burnCPU(*burn)
	}
	if *retain > 0 {
		registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "example_retained_bytes", Help: "Bytes main.retainCache keeps."},
			func() float64 { return float64(retained.Load()) }))
		go retainCache(*retain)
	}
	if *churn > 0 {
		go churnBuffers(*churn)
	}
	if *load > 0 {
		go selfLoad("http://"+listener.Addr().String(), apiPaths, *load, &draining)
	}
	server := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	for _, another := range extra {
		go server.Serve(another)
	}
	if err := server.Serve(listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// leakSubscriber is the classic leak: a goroutine blocked in select on channels nobody will ever use.
func leakSubscriber(done chan struct{}, updates chan int) {
	select {
	case <-done:
	case <-updates:
	}
}

// leakWaitingForReply blocks forever on a receive.
func leakWaitingForReply(reply chan int) {
	<-reply
}

// steadyLeak leaks `rate` goroutines a second, each holding `size` bytes: goroutines and memory both climb.
func steadyLeak(rate, size int) {
	for range time.Tick(time.Second / time.Duration(rate)) {
		buf := make([]byte, size)
		for i := 0; i < len(buf); i += 4096 {
			buf[i] = 1 // touch every page so that it counts in the resident set
		}
		go leakHoldingMemory(buf, make(chan struct{}))
	}
}

// leakHoldingMemory blocks forever and keeps its buffer alive.
func leakHoldingMemory(buf []byte, never chan struct{}) {
	<-never
	_ = buf[0]
}

func selfLoad(base string, paths []string, rps int, draining *atomic.Bool) {
	client := &http.Client{Timeout: 2 * time.Second}
	ticker := time.NewTicker(time.Second / time.Duration(rps))
	for i := 0; ; i++ {
		<-ticker.C
		if draining.Load() {
			continue
		}
		url := base + paths[i%len(paths)]
		go func() {
			if resp, err := client.Get(url); err == nil {
				resp.Body.Close()
			}
		}()
	}
}

// pool is a bounded worker pool that exports busy/max workers, queue depth/capacity and rejections.
type pool struct {
	jobs     chan func()
	busy     atomic.Int64
	rejected prometheus.Counter
}

func newPool(workers, capacity int, registry *prometheus.Registry) *pool {
	p := &pool{jobs: make(chan func(), capacity)}
	p.rejected = prometheus.NewCounter(prometheus.CounterOpts{Name: "workerpool_rejected_total", Help: "Jobs rejected because the queue was full."})
	registry.MustRegister(p.rejected,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "workerpool_workers_busy", Help: "Workers running a job."}, func() float64 { return float64(p.busy.Load()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "workerpool_workers_max", Help: "Pool size."}, func() float64 { return float64(workers) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "workerpool_queue_depth", Help: "Jobs waiting."}, func() float64 { return float64(len(p.jobs)) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "workerpool_queue_capacity", Help: "Queue capacity."}, func() float64 { return float64(capacity) }),
	)
	for i := 0; i < workers; i++ {
		go p.worker()
	}
	return p
}

func (p *pool) worker() {
	for job := range p.jobs {
		p.busy.Add(1)
		job()
		p.busy.Add(-1)
	}
}

func (p *pool) submit(job func()) bool {
	select {
	case p.jobs <- job:
		return true
	default:
		p.rejected.Inc()
		return false
	}
}

// A do-nothing database driver so that sql.DB and its DBStats collector are real without a database server.
type fakeDriver struct{}
type fakeConn struct{}

func (fakeDriver) Open(string) (driver.Conn, error)  { return fakeConn{}, nil }
func (fakeConn) Prepare(string) (driver.Stmt, error) { return nil, errors.New("not supported") }
func (fakeConn) Close() error                        { return nil }
func (fakeConn) Begin() (driver.Tx, error)           { return nil, errors.New("not supported") }
func (fakeConn) Ping(context.Context) error          { return nil }
func (fakeConn) ResetSession(context.Context) error  { return nil }
func (fakeConn) IsValid() bool                       { return true }

func init() { sql.Register("svctop-example", fakeDriver{}) }

// burnCPU spends `percent` of every 100 ms hashing, and sleeps the rest.
func burnCPU(percent int) {
	sum := uint64(1)
	for {
		start := time.Now()
		for time.Since(start) < time.Duration(percent)*time.Millisecond {
			for i := 0; i < 10000; i++ {
				sum = sum*6364136223846793005 + 1442695040888963407
			}
		}
		burnSink.Store(sum)
		time.Sleep(time.Duration(100-percent) * time.Millisecond)
	}
}

var burnSink atomic.Uint64

// cache is what retainCache keeps: memory that is never released; retained counts it.
var cache [][]byte
var retained atomic.Int64

// retainCache keeps `kib` KiB a second for good, in 64 KiB pieces.
func retainCache(kib int) {
	for range time.Tick(time.Second / time.Duration((kib+63)/64)) {
		buf := make([]byte, 64<<10)
		for i := 0; i < len(buf); i += 4096 {
			buf[i] = 1
		}
		cache = append(cache, buf)
		retained.Add(int64(len(buf)))
	}
}

var churnSink atomic.Int64

// churnBuffers allocates `kib` KiB a second in 16 KiB pieces and drops them at once.
func churnBuffers(kib int) {
	for range time.Tick(time.Second / time.Duration((kib+15)/16)) {
		buf := make([]byte, 16<<10)
		buf[len(buf)-1] = 1
		churnSink.Add(int64(buf[len(buf)-1]))
	}
}
