# Computed values for the mocked AWS provider, shaped as the provider's own validators expect them
# (IDs with their prefixes, ARNs). Tests override per resource where they need to tell resources apart.
mock_resource "aws_vpc" {
  defaults = { id = "vpc-0a1b2c3d4e5f60718", arn = "arn:aws:ec2:us-west-1:123456789012:vpc/vpc-0a1b2c3d4e5f60718" }
}
mock_resource "aws_default_security_group" {
  defaults = { id = "sg-0f0f0f0f0f0f0f0f0" }
}
mock_resource "aws_subnet" {
  defaults = { id = "subnet-0a1b2c3d4e5f60718" }
}
mock_resource "aws_internet_gateway" {
  defaults = { id = "igw-0a1b2c3d4e5f60718" }
}
mock_resource "aws_route_table" {
  defaults = { id = "rtb-0a1b2c3d4e5f60718" }
}
mock_resource "aws_security_group" {
  defaults = { id = "sg-0a1b2c3d4e5f60718" }
}
mock_resource "aws_vpc_security_group_ingress_rule" {
  defaults = { id = "sgr-0a1b2c3d4e5f60718" }
}
mock_resource "aws_vpc_security_group_egress_rule" {
  defaults = { id = "sgr-0f1e2d3c4b5a69788" }
}
mock_resource "aws_launch_template" {
  defaults = { id = "lt-0a1b2c3d4e5f60718", latest_version = 1 }
}
mock_resource "aws_instance" {
  defaults = { id = "i-0a1b2c3d4e5f60718", availability_zone = "us-west-1a" }
}
mock_resource "aws_ebs_volume" {
  defaults = { id = "vol-0a1b2c3d4e5f60718" }
}
mock_resource "aws_eip" {
  defaults = {
    id         = "eipalloc-0a1b2c3d4e5f60718"
    public_ip  = "198.51.100.7"
    public_dns = "ec2-198-51-100-7.us-west-1.compute.amazonaws.com"
  }
}
mock_resource "aws_iam_role" {
  defaults = { arn = "arn:aws:iam::123456789012:role/soa" }
}
mock_resource "aws_iam_instance_profile" {
  defaults = { arn = "arn:aws:iam::123456789012:instance-profile/soa" }
}
mock_resource "aws_lb" {
  defaults = {
    arn      = "arn:aws:elasticloadbalancing:us-west-1:123456789012:loadbalancer/app/soa/0a1b2c3d4e5f6071"
    dns_name = "soa-0123456789.us-west-1.elb.amazonaws.com"
  }
}
mock_resource "aws_lb_target_group" {
  defaults = { arn = "arn:aws:elasticloadbalancing:us-west-1:123456789012:targetgroup/soa/0a1b2c3d4e5f6071" }
}
mock_resource "aws_lb_listener" {
  defaults = { arn = "arn:aws:elasticloadbalancing:us-west-1:123456789012:listener/app/soa/0a1b2c3d4e5f6071/0a1b2c3d4e5f6071" }
}
mock_resource "aws_ecs_cluster" {
  defaults = {
    id  = "arn:aws:ecs:us-west-1:123456789012:cluster/soa"
    arn = "arn:aws:ecs:us-west-1:123456789012:cluster/soa"
  }
}
mock_resource "aws_ecs_task_definition" {
  defaults = { arn = "arn:aws:ecs:us-west-1:123456789012:task-definition/soa:1" }
}
mock_resource "aws_autoscaling_group" {
  defaults = { arn = "arn:aws:autoscaling:us-west-1:123456789012:autoScalingGroup:01234567-89ab-cdef-0123-456789abcdef:autoScalingGroupName/soa" }
}
mock_resource "aws_ecs_capacity_provider" {
  defaults = { arn = "arn:aws:ecs:us-west-1:123456789012:capacity-provider/soa" }
}
mock_resource "aws_cloudwatch_log_group" {
  defaults = { arn = "arn:aws:logs:us-west-1:123456789012:log-group:/ecs/soa" }
}
mock_resource "aws_route53_record" {
  defaults = { fqdn = "docker.example.com" }
}

# Identities and look-ups both variants share (the addresses are the same in both).
override_data {
  target = data.aws_ssm_parameter.ecs-ami
  values = { insecure_value = "ami-0ecs0123456789abc" }
}
override_data {
  target = data.aws_ami.docker-host_flatcar_8F916B9D
  values = { id = "ami-0f1a7ca7012345678" }
}
override_resource {
  target = aws_security_group.firewalls_public-load-balancers_group_024A3F89
  values = { id = "sg-00000000000000001" }
}
override_resource {
  target = aws_security_group.firewalls_internal-load-balancers_group_E8009A53
  values = { id = "sg-00000000000000002" }
}
override_resource {
  target = aws_security_group.firewalls_container-instances_group_E5313CD1
  values = { id = "sg-00000000000000003" }
}
override_resource {
  target = aws_security_group.docker-host_web_group_EDFFDF20
  values = { id = "sg-00000000000000004" }
}
override_resource {
  target = aws_security_group.docker-host_api_group_18393A41
  values = { id = "sg-00000000000000005" }
}
