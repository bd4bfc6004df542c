import Foundation

/// Runs Go's `prometheus/common/expfmt.TextParser` on the same bytes (GOPATH mode, Debian packages), for the
/// side-by-side figure. Returns MB/s, or nil when Go or the library is not installed.
enum GoComparison {
    static let source = """
        package main

        import (
        \t"bytes"
        \t"fmt"
        \t"io/ioutil"
        \t"os"
        \t"time"

        \t"github.com/prometheus/common/expfmt"
        )

        func main() {
        \tdata, _ := ioutil.ReadAll(os.Stdin)
        \tbest := time.Duration(1 << 62)
        \tfor i := 0; i < 5; i++ {
        \t\tvar p expfmt.TextParser
        \t\tstart := time.Now()
        \t\tif _, err := p.TextToMetricFamilies(bytes.NewReader(data)); err != nil {
        \t\t\tfmt.Fprintln(os.Stderr, err)
        \t\t\tos.Exit(1)
        \t\t}
        \t\tif d := time.Since(start); d < best {
        \t\t\tbest = d
        \t\t}
        \t}
        \tfmt.Printf("%f\\n", float64(len(data))/1e6/best.Seconds())
        }

        """

    static func expfmtRate(bytes: [UInt8]) throws -> Double? {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/go") else { return nil }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("svctop-expfmt-bench")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try source.write(to: dir.appendingPathComponent("main.go"), atomically: true, encoding: .utf8)
        let input = dir.appendingPathComponent("input.prom")
        try Data(bytes).write(to: input)
        let script =
            "cd '\(dir.path)' && GO111MODULE=off GOPATH=/usr/share/gocode go build -o expfmt-bench . && ./expfmt-bench < input.prom"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        let output = dir.appendingPathComponent("out.txt")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return Double((try String(contentsOf: output, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
