// Produces goroutine dumps with known sites, for svctop's parser fixtures
// (Tests/SvctopCoreTests/Fixtures/go1.21-*.txt and go1.23-*.txt were written by this program):
//
//	GO111MODULE=off go run main.go /tmp/go1.23   # writes /tmp/go1.23-debug1.txt and /tmp/go1.23-debug2.txt
//
// 300 goroutines in select (main.(*Watcher).watch, created by main.startWatchers), 120 in chan receive
// (main.consume), 50 waiting for a mutex (main.locked), 20 sleeping (main.sleeper), one 150 frames deep (so the
// runtime elides frames) and one locked to its thread.
package main

import (
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

type Watcher struct{ updates chan int }

func (w *Watcher) watch(stop chan struct{}) {
	for {
		select {
		case <-w.updates:
		case <-stop:
			return
		}
	}
}

func startWatchers(n int, stop chan struct{}) {
	for i := 0; i < n; i++ {
		w := &Watcher{updates: make(chan int)}
		go w.watch(stop)
	}
}

func consume(replies chan string) { <-replies }

func locked(mu *sync.Mutex) { mu.Lock() }

func sleeper() { time.Sleep(time.Hour) }

func deep(n int, block chan int) int {
	if n == 0 {
		return <-block
	}
	return deep(n-1, block) + 1
}

func pinned(block chan int) {
	runtime.LockOSThread()
	<-block
}

func main() {
	stop := make(chan struct{})
	startWatchers(300, stop)
	for i := 0; i < 120; i++ {
		go consume(make(chan string))
	}
	var mu sync.Mutex
	mu.Lock()
	for i := 0; i < 50; i++ {
		go locked(&mu)
	}
	for i := 0; i < 20; i++ {
		go sleeper()
	}
	block := make(chan int)
	go deep(150, block)
	go pinned(block)
	time.Sleep(time.Second)
	runtime.GC()
	time.Sleep(65 * time.Second)
	prefix := os.Args[1]
	for _, level := range []int{1, 2} {
		f, _ := os.Create(prefix + map[int]string{1: "-debug1.txt", 2: "-debug2.txt"}[level])
		pprof.Lookup("goroutine").WriteTo(f, level)
		f.Close()
	}
}
