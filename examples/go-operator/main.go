// Command manager stands in for a Kubernetes operator's manager binary: it reconciles a
// fixed set of objects once, reports who it runs as, and exits. Standard library only, so
// it builds offline.
package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
)

type object struct {
	name     string
	replicas int
}

// reconcile brings each object to its desired replica count and says what it changed.
func reconcile(desired map[string]int, current map[string]int) []string {
	names := make([]string, 0, len(desired))
	for n := range desired {
		names = append(names, n)
	}
	sort.Strings(names)
	var events []string
	for _, n := range names {
		if current[n] != desired[n] {
			events = append(events, fmt.Sprintf("%s: %d -> %d replicas", n, current[n], desired[n]))
			current[n] = desired[n]
		}
	}
	return events
}

func main() {
	desired := map[string]int{"frontend": 3, "backend": 2, "worker": 1}
	current := map[string]int{"frontend": 1, "backend": 2}
	events := reconcile(desired, current)
	fmt.Printf("kiln go-operator example: manager running as uid=%d gid=%d, reconciled %d objects\n",
		os.Getuid(), os.Getgid(), len(events))
	if len(events) > 0 {
		fmt.Println(strings.Join(events, "\n"))
	}
}
