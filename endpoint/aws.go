package endpoint

import (
	"net/url"
	"strings"
)

// awsDomain is the DNS suffix of S3 in the standard AWS partition.
const awsDomain = ".amazonaws.com"

// awsHost is the S3 service host (without a bucket) for region; "" means the global host.
func awsHost(region string, dual bool) string {
	switch {
	case dual && region == "":
		return "s3.dualstack.us-east-1" + awsDomain // there is no global dual-stack host
	case dual:
		return "s3.dualstack." + region + awsDomain
	case region == "":
		return "s3" + awsDomain
	}
	return "s3." + region + awsDomain
}

// awsParts recognises the S3 host names of AWS in u and reads bucket, key and region from it:
//
//	[bucket.]s3.amazonaws.com               global (region "")
//	[bucket.]s3.REGION.amazonaws.com
//	[bucket.]s3-REGION.amazonaws.com        legacy dashed form
//	[bucket.]s3.dualstack.REGION.amazonaws.com
//
// Without a bucket label the URL is path-style and the bucket is the first path segment.
// The key is the decoded path after the bucket.
func awsParts(u *url.URL) (bucket, key, region string, dual, ok bool) {
	host := strings.ToLower(u.Hostname())
	if p := u.Port(); p != "" && p != "443" && !(p == "80" && strings.EqualFold(u.Scheme, "http")) {
		return "", "", "", false, false
	}
	rest, found := strings.CutSuffix(host, awsDomain)
	if !found {
		return "", "", "", false, false
	}
	labels := strings.Split(rest, ".")
	n := len(labels)
	last := labels[n-1]
	var service int // index of the "s3" or "s3-REGION" label
	switch {
	case last == "s3":
		service = n - 1
	case n >= 2 && labels[n-2] == "s3" && isRegion(last):
		service, region = n-2, last
	case n >= 3 && labels[n-3] == "s3" && labels[n-2] == "dualstack" && isRegion(last):
		service, region, dual = n-3, last, true
	case strings.HasPrefix(last, "s3-"):
		region = strings.TrimPrefix(last, "s3-")
		if region == "external-1" { // s3-external-1.amazonaws.com is us-east-1
			region = "us-east-1"
		}
		if !isRegion(region) {
			return "", "", "", false, false // s3-website-..., s3-accesspoint and the like
		}
		service = n - 1
	default:
		return "", "", "", false, false
	}
	path := strings.TrimPrefix(u.Path, "/")
	if service == 0 {
		bucket, key, _ = strings.Cut(path, "/")
	} else {
		bucket, key = strings.Join(labels[:service], "."), path
	}
	return bucket, key, region, dual, true
}

// isRegion reports whether s looks like an AWS region name: letters in dash-separated groups
// ending in a number, the first group two letters ("us-east-1", "us-gov-west-1",
// "ap-southeast-4").
func isRegion(s string) bool {
	groups := strings.Split(s, "-")
	if len(groups) < 3 || len(groups[0]) != 2 {
		return false
	}
	for i, g := range groups {
		if g == "" {
			return false
		}
		for _, r := range g {
			digit := r >= '0' && r <= '9'
			letter := r >= 'a' && r <= 'z'
			if (i == len(groups)-1 && !digit) || (i < len(groups)-1 && !letter) {
				return false
			}
		}
	}
	return true
}
