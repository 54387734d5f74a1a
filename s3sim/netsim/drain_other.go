//go:build !linux

package netsim

import "net"

// unsent cannot look into the socket here: a reset may then cut bytes still in flight.
func unsent(net.Conn) (int, bool) { return 0, false }
